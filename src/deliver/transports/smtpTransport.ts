import DKIM from 'nodemailer/lib/dkim';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { isLoopback } from '../../util/isLoopback.js';
import type { DkimOptions, Transport } from './Transport.js';

export interface SmtpOptions {
  /** `smtp://user:pass@host:587` or `smtps://…`; never printed. */
  url: string;
  /** Milliseconds to wait for a connection, a greeting or a reply. */
  timeoutMs?: number | undefined;
  dkim?: DkimOptions | undefined;
}

/** `SMTP_URL` as a URL, or an error that says how to fix it (and never quotes it). */
export function parseSmtpUrl(value: string): URL {
  try {
    return new URL(value);
  } catch {
    throw new Error(
      'SMTP_URL is not a valid URL, expected smtps://user:password@host:465 or smtp://user:password@host:587; percent-encode special characters in the user and password (# as %23, @ as %40, / as %2F)',
    );
  }
}

/**
 * How a connection to the relay is secured: smtps is TLS from the start;
 * smtp must upgrade with STARTTLS before anything (the login above all) is
 * sent, unless the relay is a loopback literal, where mail never leaves the
 * machine. nodemailer enforces `requireTLS` before it logs in. Pure.
 */
export function relaySecurity(url: URL): {
  secure: boolean;
  requireTLS: boolean;
  ignoreTLS: boolean;
} {
  const loopback = isLoopback(url.hostname);
  const smtp = url.protocol === 'smtp:';
  return {
    secure: url.protocol === 'smtps:',
    requireTLS: smtp && !loopback,
    ignoreTLS: smtp && loopback,
  };
}

/** `smtp://host:port`, without user or password, for messages and logs. */
export function describeSmtpUrl(url: string): string {
  const parsed = parseSmtpUrl(url);
  return `${parsed.protocol}//${parsed.hostname}${parsed.port ? `:${parsed.port}` : ''}`;
}

/**
 * SMTP through a small pool of nodemailer's `SMTPConnection`s, each sending
 * one message at a time. The message arrives as finished bytes (built once
 * per edition, see rawMessage.ts), so nodemailer's per-message composing
 * and queueing machinery is skipped: that is most of the cost of sending
 * over a fast relay. Retries are the send loop's job: a connection that
 * fails is closed and the next message opens a fresh one; a connection whose
 * recipient was refused is reset and reused. TLS is required (STARTTLS or
 * smtps) unless the relay is on loopback; the URL's credentials never appear
 * in an error we print.
 */
export function smtpTransport(options: SmtpOptions): Transport {
  const url = parseSmtpUrl(options.url);
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new Error(`SMTP_URL must start with smtp:// or smtps://, not ${url.protocol}//`);
  }
  const timeout = options.timeoutMs ?? 30_000;
  const connectionOptions = {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
    ...relaySecurity(url),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  };
  const auth = url.username
    ? {
        credentials: {
          user: decodeURIComponent(url.username),
          pass: decodeURIComponent(url.password),
        },
      }
    : undefined;
  const signer = options.dkim ? new DKIM(options.dkim) : undefined;
  const idle: SMTPConnection[] = [];
  const open = new Set<SMTPConnection>();

  const connect = async (): Promise<SMTPConnection> => {
    const connection = new SMTPConnection(connectionOptions);
    open.add(connection);
    // A connection that fails or ends while idle is simply dropped from the pool.
    const forget = () => {
      open.delete(connection);
      const index = idle.indexOf(connection);
      if (index >= 0) idle.splice(index, 1);
    };
    connection.on('error', forget);
    connection.on('end', forget);
    try {
      await call<void>(connection, timeout, (done) =>
        connection.connect((error) => done(error ?? null)),
      );
      if (auth) await call<boolean>(connection, timeout, (done) => connection.login(auth, done));
    } catch (error) {
      connection.close();
      forget();
      throw error;
    }
    return connection;
  };

  return {
    description: describeSmtpUrl(options.url),
    async send(message) {
      const connection = idle.pop() ?? (await connect());
      const raw = signer ? await collect(signer.sign(message.raw)) : message.raw;
      try {
        // The whole exchange, DATA included, gets the socket timeout once more on top.
        const info = await call<SMTPConnection.SentMessageInfo>(connection, timeout * 2, (done) =>
          connection.send(message.envelope, raw, done),
        );
        idle.push(connection);
        return { messageId: message.messageId, response: String(info.response ?? '') };
      } catch (error) {
        const refused = typeof (error as { responseCode?: unknown }).responseCode === 'number';
        let reusable = false;
        if (refused && open.has(connection)) {
          // The server refused this message but the session may be fine: reset it for the next.
          reusable = await call<boolean>(connection, timeout, (done) =>
            connection.reset(done),
          ).then(
            () => open.has(connection),
            () => false,
          );
        }
        if (reusable) idle.push(connection);
        else connection.close();
        throw error;
      }
    },
    async close() {
      for (const connection of open) connection.quit();
      idle.length = 0;
      open.clear();
    },
  };
}

/**
 * One operation on a connection, as a promise that always settles:
 * `SMTPConnection` reports some failures (a refused connection, a dropped
 * socket during a reset) only as an `error` or `end` event and never calls
 * the callback, so both are listened to here, with a timer as the last word.
 */
function call<T>(
  connection: SMTPConnection,
  timeoutMs: number,
  start: (done: (error: Error | null, result?: T) => void) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish = (error: Error | null, result?: T) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      connection.off('error', onError);
      connection.off('end', onEnd);
      if (error) reject(error);
      else resolve(result as T);
    };
    const onError = (error: Error) => finish(error);
    const onEnd = () =>
      finish(Object.assign(new Error('the relay closed the connection'), { code: 'ECONNECTION' }));
    const timer = setTimeout(() => {
      finish(
        Object.assign(
          new Error(`no answer from the relay within ${Math.round(timeoutMs / 1000)} s`),
          { code: 'ETIMEDOUT' },
        ),
      );
      connection.close();
    }, timeoutMs);
    connection.once('error', onError);
    connection.once('end', onEnd);
    start(finish);
  });
}

function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', reject);
    stream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}
