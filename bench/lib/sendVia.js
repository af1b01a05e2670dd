// The send loop (the compiled `sendEdition`) over one of two SMTP transports,
// for bench/send to set the hand-built pool against nodemailer's own:
// - `pool`: storyline's transport (a pool of `SMTPConnection`s taking the
//   finished bytes), what `storyline send` uses;
// - `nodemailer`: `nodemailer.createTransport({ pool: true, maxConnections })`
//   with `sendMail({ raw, envelope })`, the same bytes and envelope.
// Everything else (list, journal, rate, retries) is the same code, so the
// difference is the transport's.
//
// node bench/lib/sendVia.js --transport pool|nodemailer --root DIR --subscribers F
//   (SMTP_URL and STORYLINE_SECRET from the env; send.rate and
//   send.concurrency from DIR/storyline.config.json)
import path from 'node:path';
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import nodemailer from 'nodemailer';
import { VFile } from 'vfile';

const { values } = parseArgs({
  options: {
    transport: { type: 'string' },
    root: { type: 'string' },
    subscribers: { type: 'string' },
  },
});
const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const dist = (file) => import(pathToFileURL(path.join(repoRoot, 'dist', file)).href);

const { loadProject } = await dist('project/loadProject.js');
const { loadTemplate } = await dist('render/loadTemplate.js');
const { planPendingEdition } = await dist('edition/planEdition.js');
const { renderForProject } = await dist('project/renderForProject.js');
const { sendEdition } = await dist('deliver/sendEdition.js');
const { smtpTransport } = await dist('deliver/transports/smtpTransport.js');

const root = path.resolve(values.root);
const project = await loadProject(root, new Date());
const template = await loadTemplate(project.root, project.config);
const edition = planPendingEdition(project.story, project.sent, project.config, project.inProgress);
if (!edition) throw new Error('sendVia: nothing to send');
const { rendered } = await renderForProject(project, edition, template);
if (!rendered) throw new Error('sendVia: the edition did not render');

const url = process.env.SMTP_URL ?? '';
const { concurrency } = project.config.send;
const transport =
  values.transport === 'pool'
    ? smtpTransport({ url })
    : values.transport === 'nodemailer'
      ? nodemailerPool(new URL(url), concurrency)
      : undefined;
if (!transport) throw new Error('sendVia: --transport takes pool or nodemailer');

try {
  const report = await sendEdition({
    root,
    rendered,
    config: project.config,
    transport,
    subscribersPath: path.resolve(values.subscribers),
    listFile: new VFile({ path: values.subscribers }),
    secret: process.env.STORYLINE_SECRET ?? '',
    signal: new AbortController().signal,
    now: () => new Date(),
  });
  if (!report.complete)
    throw new Error(`sendVia: incomplete send ${JSON.stringify(report.counts)}`);
} finally {
  await transport.close();
}

/** nodemailer's pooled SMTP transport, as a storyline `Transport`. */
function nodemailerPool(relay, maxConnections) {
  const transporter = nodemailer.createTransport({
    pool: true,
    maxConnections,
    // As many messages per connection as the hand-built pool sends.
    maxMessages: Number.POSITIVE_INFINITY,
    host: relay.hostname,
    port: Number(relay.port),
    secure: false,
    ignoreTLS: true,
  });
  return {
    description: `nodemailer pool ${relay.host}`,
    async send(message) {
      const info = await transporter.sendMail({ raw: message.raw, envelope: message.envelope });
      return { messageId: message.messageId, response: String(info.response ?? '') };
    },
    async close() {
      transporter.close();
    },
  };
}
