import { randomBytes } from 'node:crypto';
import { toHtml } from 'hast-util-to-html';
import { h } from 'hastscript';
import nodemailer from 'nodemailer';
import addressparser from 'nodemailer/lib/addressparser/index.js';
import type { Config } from '../config/configSchema.js';
import type { RawMessage } from '../deliver/rawMessage.js';
import { wordsFor } from '../i18n/wordsFor.js';

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
  const words = wordsFor(config.locale, config.labels);
  const { publication } = config;
  const subject = words.get('confirmMailSubject', { publication });
  const intro = words.get('confirmMailIntro', { publication });
  const expiry = words.get('confirmMailExpiry');
  const text = [intro, '', words.get('confirmMailOpenLink'), '', link, '', expiry, ''].join('\n');
  const html = toHtml(
    h('html', [
      h('body', { style: 'font:16px/1.5 Helvetica,Arial,sans-serif;color:#1f2328' }, [
        h('p', intro),
        h('p', [
          h(
            'a',
            {
              href: link,
              style:
                'display:inline-block;background:#a4312a;color:#fff;padding:12px 20px;border-radius:3px;text-decoration:none;font-weight:700',
            },
            words.get('confirmMailButton'),
          ),
        ]),
        h('p', { style: 'color:#6b645a;font-size:13px' }, expiry),
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
