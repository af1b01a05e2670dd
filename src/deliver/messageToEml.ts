import MailComposer from 'nodemailer/lib/mail-composer';
import type { ComposedMessage } from './composeMessage.js';

/** A complete RFC 5322 message (multipart/alternative), as a subscriber's server receives it. */
export function messageToEml(message: ComposedMessage): Promise<Buffer> {
  return new MailComposer({ ...message, xMailer: false }).compile().build();
}
