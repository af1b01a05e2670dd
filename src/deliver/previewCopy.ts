import type { Config } from '../config/configSchema.js';
import { personalise } from '../render/personalise.js';
import type { Rendered } from '../render/Rendered.js';
import { footerUnsubscribeUrl, listHeaders, unsubscribeTargets } from './listHeaders.js';
import { messageIdFor } from './messageIdFor.js';
import { prepareRawMessage } from './rawMessage.js';

/** The recipient shown in build output and the preview: no real subscriber is ever written there. */
export const placeholderRecipient = { email: 'subscriber@example.org', name: 'Example Subscriber' };

/** Stands for a subscriber's unsubscribe token where there is no subscriber. */
export const placeholderToken = 'preview';

export interface PreviewCopy {
  html: string;
  text: string;
  /** The headers a subscriber's copy carries, as a person reads them. */
  headers: Record<string, string>;
  /** The whole message, as `message.eml`. */
  eml: Buffer;
}

/** The edition as the placeholder subscriber would get it: for `build` and `preview`. */
export function previewCopy(rendered: Rendered, config: Config, now: Date): PreviewCopy {
  const targets = unsubscribeTargets(config, placeholderToken);
  const { html, text } = personalise(rendered, {
    unsubscribeUrl: footerUnsubscribeUrl(targets, config),
    name: placeholderRecipient.name,
  });
  const messageId = messageIdFor(config.from, `${rendered.edition.id}.preview`);
  const eml = prepareRawMessage(rendered, config)(placeholderRecipient, {
    token: placeholderToken,
    messageId,
    date: now,
  }).raw;
  const headers: Record<string, string> = {
    From: config.from,
    To: `${placeholderRecipient.name} <${placeholderRecipient.email}>`,
    ...(config.replyTo ? { 'Reply-To': config.replyTo } : {}),
    Subject: rendered.subject,
    Preheader: rendered.preheader,
    'Message-ID': messageId,
    ...listHeaders(config, placeholderToken),
  };
  return { html, text, headers, eml };
}
