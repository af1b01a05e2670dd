import type { Config } from '../config/configSchema.js';
import type { Personal } from '../render/personalise.js';
import { personalise } from '../render/personalise.js';
import type { Rendered } from '../render/Rendered.js';
import { listHeaders, unsubscribeTargets } from './listHeaders.js';

export interface Recipient {
  email: string;
  name?: string | undefined;
}

export interface MessageOptions {
  /** The recipient's unsubscribe token. */
  token: string;
  /** `<…@domain>`; unique per recipient and edition. */
  messageId: string;
  date: Date;
  /** Put before the subject, e.g. `[TEST] `. */
  subjectPrefix?: string;
}

/** The fields nodemailer's MailComposer and transports take. */
export interface ComposedMessage {
  from: string;
  to: { name: string; address: string };
  replyTo?: string;
  subject: string;
  messageId: string;
  date: Date;
  text: string;
  html: string;
  headers: Record<string, string>;
}

/**
 * One recipient's message from an edition rendered once: only To, the
 * Message-ID, the unsubscribe token and URL and the name change. Always a
 * text and an HTML part. Pure.
 */
export function composeMessage(
  rendered: Rendered,
  recipient: Recipient,
  config: Pick<Config, 'from' | 'replyTo' | 'publication' | 'siteUrl' | 'unsubscribe'>,
  options: MessageOptions,
): ComposedMessage {
  const targets = unsubscribeTargets(config, options.token);
  const personal: Personal = {
    unsubscribeUrl: targets.url ?? targets.mailto ?? config.siteUrl,
    name: recipient.name?.trim() || 'reader',
  };
  const { html, text } = personalise(rendered, personal);
  return {
    from: config.from,
    to: { name: recipient.name ?? '', address: recipient.email },
    ...(config.replyTo ? { replyTo: config.replyTo } : {}),
    // The subject was collapsed to one line when the edition was planned.
    subject: `${options.subjectPrefix ?? ''}${rendered.subject}`,
    messageId: options.messageId,
    date: options.date,
    text,
    html,
    headers: listHeaders(config, options.token),
  };
}

/** A Message-ID on the sender's domain. */
export function messageIdFor(from: string, local: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'localhost';
  return `<${local}@${domain}>`;
}
