// The baseline for bench/send: what a newcomer to nodemailer would write to
// mail a newsletter. Read the list, read the rendered email once, and send
// each recipient a `sendMail({html, text})` over a pool, five at a time, with
// the unsubscribe link made per recipient. It journals nothing and cannot
// resume: it does less than `storyline send`, which is what makes it a fair
// floor to compare with.
//
// node bench/lib/baselineSend.js --csv F --html F --text F --subject S --from A
//   --port N --connections 5 --unsubscribe URL --mailto ADDR   (STORYLINE_SECRET from the env)
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import nodemailer from 'nodemailer';

const { values } = parseArgs({
  options: {
    csv: { type: 'string' },
    html: { type: 'string' },
    text: { type: 'string' },
    subject: { type: 'string' },
    from: { type: 'string' },
    port: { type: 'string' },
    connections: { type: 'string', default: '5' },
    unsubscribe: { type: 'string' },
    mailto: { type: 'string' },
  },
});

const secret = process.env.STORYLINE_SECRET ?? '';
const subscribers = parse(readFileSync(values.csv), { columns: true, skip_empty_lines: true });
const html = readFileSync(values.html, 'utf8');
const text = readFileSync(values.text, 'utf8');
const connections = Number(values.connections);

const transporter = nodemailer.createTransport({
  pool: true,
  maxConnections: connections,
  host: '127.0.0.1',
  port: Number(values.port),
  secure: false,
  ignoreTLS: true,
});

// The built email carries `?token=preview` where each recipient's token goes.
const tokenFor = (email) =>
  `${Buffer.from(email.toLowerCase()).toString('base64url')}.${createHmac('sha256', secret)
    .update(`unsubscribe:${email.toLowerCase()}`)
    .digest()
    .subarray(0, 16)
    .toString('base64url')}`;

let next = 0;
let sent = 0;
let failed = 0;
async function worker() {
  while (next < subscribers.length) {
    const { email, name } = subscribers[next++];
    const token = tokenFor(email);
    const url = `${values.unsubscribe}?token=${token}`;
    try {
      await transporter.sendMail({
        from: values.from,
        to: name ? { name, address: email } : email,
        subject: values.subject,
        html: html.replaceAll('token=preview', `token=${token}`),
        text: text.replaceAll('token=preview', `token=${token}`),
        headers: {
          'List-Unsubscribe': `<${url}>, <mailto:${values.mailto}?subject=unsubscribe%20${token}>`,
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        },
      });
      sent++;
    } catch (error) {
      failed++;
      process.stderr.write(`${email}: ${error.message}\n`);
    }
  }
}

await Promise.all(Array.from({ length: connections }, worker));
transporter.close();
process.stdout.write(`${JSON.stringify({ sent, failed })}\n`);
process.exitCode = failed > 0 ? 1 : 0;
