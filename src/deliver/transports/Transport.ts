import type { RawMessage } from '../rawMessage.js';

/** What a transport says of one message it accepted. */
export interface Delivery {
  /** The Message-ID the message went out with. */
  messageId: string;
  /** The server's reply, e.g. `250 2.0.0 OK`; the file written, for the outbox. */
  response: string;
}

/** Somewhere messages go: an SMTP relay, or the outbox folder. */
export interface Transport {
  /** For people: `outbox .storyline/outbox/…` or `smtp://host:port` (never credentials). */
  readonly description: string;
  send(message: RawMessage): Promise<Delivery>;
  close(): Promise<void>;
}

/** DKIM signing, as nodemailer takes it. */
export interface DkimOptions {
  domainName: string;
  keySelector: string;
  privateKey: string;
}
