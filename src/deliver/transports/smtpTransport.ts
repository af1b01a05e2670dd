import DKIM from 'nodemailer/lib/dkim';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { DkimOptions, Transport } from './Transport.js';

export interface SmtpOptions {
  /** `smtp://user:pass@host:587` or `smtps://…`; never printed. */
  url: string;
  /** Connections kept open, one message in flight on each. */
  concurrency: number;
  /** Milliseconds to wait for a connection, a greeting or a reply. */
  timeoutMs?: number | undefined;
  dkim?: DkimOptions | undefined;
}

/** Hosts where mail may travel without TLS: it never leaves the machine. */
export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** `smtp://host:port`, without user or password, for messages and logs. */
export function describeSmtpUrl(url: string): string {
  const parsed = new URL(url);
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
  const url = new URL(options.url);
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new Error(`SMTP_URL must start with smtp:// or smtps://, not ${url.protocol}//`);
  }
  const loopback = isLoopback(url.hostname);
  const timeout = options.timeoutMs ?? 30_000;
  const connectionOptions = {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
    secure: url.protocol === 'smtps:',
    requireTLS: !loopback && url.protocol === 'smtp:',
    ignoreTLS: loopback && url.protocol === 'smtp:',
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
      await new Promise<void>((resolve, reject) => {
        connection.connect((error) => (error ? reject(error) : resolve()));
      });
      if (auth) {
        await new Promise<void>((resolve, reject) => {
          connection.login(auth, (error) => (error ? reject(error) : resolve()));
        });
      }
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
        const info = await new Promise<SMTPConnection.SentMessageInfo>((resolve, reject) => {
          connection.send(message.envelope, raw, (error, result) =>
            error || !result ? reject(error) : resolve(result),
          );
        });
        idle.push(connection);
        return { messageId: message.messageId, response: String(info.response ?? '') };
      } catch (error) {
        const refused = typeof (error as { responseCode?: unknown }).responseCode === 'number';
        if (refused && open.has(connection)) {
          // The server refused this message but the session is fine: reset it for the next.
          const reset = await new Promise<boolean>((resolve) =>
            connection.reset((e) => resolve(!e)),
          );
          if (reset && open.has(connection)) idle.push(connection);
          else connection.close();
        } else {
          connection.close();
        }
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

function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', reject);
    stream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}
