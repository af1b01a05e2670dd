import { randomBytes } from 'node:crypto';
import { toHtml } from 'hast-util-to-html';
import { h } from 'hastscript';
import nodemailer from 'nodemailer';
import addressparser from 'nodemailer/lib/addressparser/index.js';
import type { Config } from '../config/configSchema.js';
import type { RawMessage } from '../deliver/rawMessage.js';

// Composes only: the transport from the environment sends (and DKIM-signs) it.
const composer = nodemailer.createTransport({
  streamTransport: true,
  buffer: true,
  newline: 'windows',
});

/**
 * The double opt-in mail: short, text and HTML, from the publication's
 * From, with the link that confirms. It says what happens when nothing is
 * done (nothing), so a stranger signed up by someone else can ignore it.
 */
export async function confirmationMail(
  config: Config,
  to: string,
  link: string,
  now: Date,
): Promise<RawMessage> {
  const domain = (addressparser(config.from, { flatten: true })[0]?.address ?? '').split('@')[1];
  const messageId = `<confirm.${now.getTime()}.${randomBytes(8).toString('hex')}@${domain || 'storyline.invalid'}>`;
  const subject = `Confirm your subscription to ${config.publication}`;
  const text = [
    `Someone, hopefully you, asked to receive ${config.publication} by email at this address.`,
    '',
    'To confirm, open this link and press Confirm:',
    '',
    link,
    '',
    'The link works for 7 days. If you did not ask, ignore this message: you will not be mailed again.',
    '',
  ].join('\n');
  const html = toHtml(
    h('html', [
      h('body', { style: 'font:16px/1.5 Helvetica,Arial,sans-serif;color:#1f2328' }, [
        h(
          'p',
          `Someone, hopefully you, asked to receive ${config.publication} by email at this address.`,
        ),
        h('p', [
          h(
            'a',
            {
              href: link,
              style:
                'display:inline-block;background:#a4312a;color:#fff;padding:12px 20px;border-radius:3px;text-decoration:none;font-weight:700',
            },
            'Confirm my subscription',
          ),
        ]),
        h(
          'p',
          { style: 'color:#6b645a;font-size:13px' },
          'The link works for 7 days. If you did not ask, ignore this message: you will not be mailed again.',
        ),
      ]),
    ]),
  );
  const info = await composer.sendMail({
    from: config.from,
    ...(config.replyTo ? { replyTo: config.replyTo } : {}),
    to,
    subject,
    text,
    html,
    messageId,
    date: now,
    headers: { 'Auto-Submitted': 'auto-generated' },
  });
  const from = addressparser(config.from, { flatten: true })[0]?.address ?? '';
  return { envelope: { from, to: [to] }, messageId, raw: info.message as Buffer };
}
