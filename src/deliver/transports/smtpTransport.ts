import nodemailer from 'nodemailer';
import type { DkimOptions, Transport } from './Transport.js';

export interface SmtpOptions {
  /** `smtp://user:pass@host:587` or `smtps://…`; never printed. */
  url: string;
  /** Connections in the pool, one message in flight on each. */
  concurrency: number;
  /** Messages per second across the pool. */
  rate?: number | undefined;
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
 * nodemailer's pooled SMTP transport. TLS is required (STARTTLS or smtps)
 * unless the relay is on loopback; the URL's credentials stay inside
 * nodemailer and are never part of an error we print.
 */
export function smtpTransport(options: SmtpOptions): Transport {
  const url = new URL(options.url);
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new Error(`SMTP_URL must start with smtp:// or smtps://, not ${url.protocol}//`);
  }
  const loopback = isLoopback(url.hostname);
  const timeout = options.timeoutMs ?? 30_000;
  const transporter = nodemailer.createTransport({
    pool: true,
    host: url.hostname,
    port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
    secure: url.protocol === 'smtps:',
    requireTLS: !loopback && url.protocol === 'smtp:',
    ignoreTLS: loopback && url.protocol === 'smtp:',
    ...(url.username
      ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }
      : {}),
    maxConnections: options.concurrency,
    maxMessages: Number.POSITIVE_INFINITY,
    ...(options.rate ? { rateLimit: Math.max(1, Math.round(options.rate)), rateDelta: 1000 } : {}),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    disableFileAccess: true,
    disableUrlAccess: true,
    ...(options.dkim ? { dkim: options.dkim } : {}),
  });
  return {
    description: describeSmtpUrl(options.url),
    async send(message) {
      const info = await transporter.sendMail({
        envelope: message.envelope,
        raw: message.raw,
        // Already in the raw bytes; given here too, nodemailer does not make up one of its own.
        messageId: message.messageId,
      });
      return { messageId: message.messageId, response: String(info.response ?? '') };
    },
    async close() {
      transporter.close();
    },
  };
}
