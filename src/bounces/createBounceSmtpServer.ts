import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { ApplyBounceEvents } from './BounceEvent.js';
import { limitConcurrency } from './limitConcurrency.js';
import { type IgnoredReason, parseBounceMessage } from './parseBounceMessage.js';

export interface BounceSmtpServerOptions {
  /** `bounces.domain`: RCPT TO is accepted for this domain only, any local part. */
  bounceDomain: string;
  /** Where each message's events go; 250 is answered only once it resolved. */
  apply: ApplyBounceEvents;
  /** A larger message is refused with 552. Default 2 MiB (a DSN with the original newsletter in it). */
  maxMessageBytes?: number;
  /** Connections at once; with `maxMessageBytes`, bounds the memory DATA can take. Default 32. */
  maxClients?: number;
  /** Messages parsed and applied at once; the rest wait, their senders with them. Default 4. */
  maxParallel?: number;
  /** The name in the greeting and EHLO reply. Default the machine's host name. */
  hostname?: string;
  /** A key and certificate for STARTTLS; without them STARTTLS is not offered. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** `apply` failed (answered 451); for the operator's log. */
  onApplyError?: (error: unknown) => void;
  /** When a message arrived. Default now. */
  now?: () => Date;
}

/** What the server did since it started, for `serve`'s log and the benchmark. */
export interface BounceSmtpCounts {
  /** Messages accepted with 250 (reports applied, and ignored ones). */
  accepted: number;
  /** Events handed to `apply` and applied. */
  events: number;
  ignored: Partial<Record<IgnoredReason, number>>;
  /** Recipients refused: not the bounce domain. */
  refusedRecipients: number;
  /** Messages refused as larger than `maxMessageBytes`. */
  tooLarge: number;
  /** Messages answered 451 because `apply` threw: the sender tries again. */
  deferred: number;
}

export interface BounceSmtpServer {
  /** Listens; resolves with the port (pass 0 for any free one). */
  listen(port: number, host?: string): Promise<number>;
  counts: BounceSmtpCounts;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

export const DEFAULT_MAX_BOUNCE_BYTES = 2 * 1024 * 1024;

type SmtpError = Error & { responseCode: number };

function smtpError(code: number, message: string): SmtpError {
  const error = new Error(message) as SmtpError;
  error.responseCode = code;
  return error;
}

/**
 * The inbound SMTP server for the bounce domain (`serve --smtp-port`):
 * takes DSNs and ARF reports mailed to `<anything>@<bounceDomain>`, parses
 * each with `parseBounceMessage` (the envelope recipients give the VERP
 * id) and answers 250 only after `apply` resolved, 451 when it threw. A
 * crash in between leaves the sender's copy queued, so every report is
 * applied at least once, and the policy's deduplication by event id makes
 * it once. Auto-replies and other mail are accepted and dropped, so the
 * sender does not retry them. No AUTH: nothing is relayed, only reports
 * about our own mail are taken.
 */
export function createBounceSmtpServer(options: BounceSmtpServerOptions): BounceSmtpServer {
  const domain = options.bounceDomain.toLowerCase();
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_BOUNCE_BYTES;
  const now = options.now ?? (() => new Date());
  const limit = limitConcurrency(Math.max(1, options.maxParallel ?? 4));
  const counts: BounceSmtpCounts = {
    accepted: 0,
    events: 0,
    ignored: {},
    refusedRecipients: 0,
    tooLarge: 0,
    deferred: 0,
  };

  async function handle(raw: Buffer, envelopeTo: string[]): Promise<void> {
    const parsed = parseBounceMessage(raw, { envelopeTo, bounceDomain: domain, receivedAt: now() });
    if (parsed.events.length === 0) {
      const reason = parsed.ignored ?? 'not-a-report';
      counts.ignored[reason] = (counts.ignored[reason] ?? 0) + 1;
      return;
    }
    await options.apply(parsed.events);
    counts.events += parsed.events.length;
  }

  const serverOptions: SMTPServerOptions = {
    authOptional: true,
    disabledCommands: options.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    ...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : {}),
    ...(options.hostname ? { name: options.hostname } : {}),
    size: maxMessageBytes,
    maxClients: options.maxClients ?? 32,
    logger: false,
    closeTimeout: 1000,
    onRcptTo(address, _session, callback) {
      const at = address.address.lastIndexOf('@');
      if (at !== -1 && address.address.slice(at + 1).toLowerCase() === domain) return callback();
      counts.refusedRecipients++;
      return callback(
        smtpError(550, `5.1.1 <${address.address}>: this server takes mail for @${domain} only`),
      );
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      let size = 0;
      let over = false;
      stream.on('data', (chunk: Buffer) => {
        if (over) return;
        size += chunk.length;
        if (size > maxMessageBytes) {
          // Read on to the end of DATA (the protocol needs it) but keep nothing.
          over = true;
          chunks.length = 0;
          return;
        }
        chunks.push(chunk);
      });
      stream.on('end', () => {
        if (over || stream.sizeExceeded) {
          counts.tooLarge++;
          return callback(
            smtpError(552, `5.3.4 Message too big: at most ${maxMessageBytes} bytes`),
          );
        }
        const raw = Buffer.concat(chunks, size);
        const envelopeTo = session.envelope.rcptTo.map((rcpt) => rcpt.address);
        limit(() => handle(raw, envelopeTo)).then(
          () => {
            counts.accepted++;
            callback(null, '2.6.0 Report received');
          },
          (error: unknown) => {
            counts.deferred++;
            options.onApplyError?.(error);
            callback(smtpError(451, '4.3.0 Could not record the report now; try again later'));
          },
        );
      });
    },
  };
  const server = new SMTPServer(serverOptions);
  server.on('error', () => {
    // A client resetting its connection mid-conversation is not the server's failure.
  });

  return {
    counts,
    listen(port, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.server.once('error', reject);
        server.listen(port, host, () => {
          server.server.off('error', reject);
          resolve((server.server.address() as AddressInfo).port);
        });
      });
    },
    close() {
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
