import type { Socket } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

/** A message the sink accepted: the envelope, the bytes as they arrived, and (lazily) parsed. */
export interface SinkMessage {
  /** Envelope recipients, lowercased. */
  rcpt: string[];
  from: string;
  raw: Buffer;
  /** Parsed with mailparser's `simpleParser`, on first call. */
  parsed(): Promise<ParsedMail>;
}

/** How the sink answers a RCPT TO: accept, or refuse with this reply. */
export type RcptAnswer = undefined | { code: number; message?: string };

export interface SmtpSinkOptions {
  /**
   * Called for every RCPT TO with the lowercased address and which try this
   * is for it (1 on the first RCPT of that address this sink ever saw).
   */
  onRcpt?: (address: string, attempt: number) => RcptAnswer;
  /** Called for every MAIL FROM: refuse the sender with this reply, or accept. */
  onMailFrom?: (address: string) => RcptAnswer;
  /** Destroy the connection instead of accepting every Nth message (the message is lost). */
  dropEvery?: number;
  /** Milliseconds to wait before accepting each message: a slow server. */
  delayMs?: number;
  /** Require AUTH with these credentials (over plaintext, loopback only). */
  auth?: { user: string; pass: string };
}

export interface SmtpSink {
  port: number;
  /** `smtp://127.0.0.1:PORT`, without credentials. */
  url: string;
  /** Every accepted message, in arrival order. */
  messages: SinkMessage[];
  /** RCPT TO commands per lowercased address, accepted or not. */
  rcptAttempts: Map<string, number>;
  /** Connections dropped on purpose (`dropEvery`). */
  dropped: number;
  /** AUTH attempts refused. */
  authFailures: number;
  /** Milliseconds each message waits before it is accepted; settable while the sink runs. */
  delayMs: number;
  /** Accepted messages per lowercased recipient. */
  countByAddress(): Map<string, number>;
  /** Wait until at least `n` messages have been accepted in total. */
  waitForMessages(n: number, timeoutMs?: number): Promise<void>;
  /**
   * Wait until no client is connected, then a little longer: a killed
   * client's last bytes are read and handled before its socket closes.
   */
  waitForIdle(timeoutMs?: number): Promise<void>;
  /** Stop listening and cut every open connection. */
  close(): Promise<void>;
}

/**
 * A real SMTP server on loopback (smtp-server) that keeps every message it
 * accepts, with faults on demand: refusals per recipient, dropped
 * connections, a slow DATA phase, required credentials.
 */
export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const messages: SinkMessage[] = [];
  const rcptAttempts = new Map<string, number>();
  const sockets = new Map<number, Socket>();
  const waiters = new Set<() => void>();
  let dataCount = 0;
  const sink = {
    dropped: 0,
    authFailures: 0,
    delayMs: options.delayMs ?? 0,
  };

  const serverOptions: SMTPServerOptions = {
    authOptional: !options.auth,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    // Nothing waits for the connections of a closed sink.
    closeTimeout: 100,
    size: 10 * 1024 * 1024,
    onAuth(auth, _session, callback) {
      if (options.auth && auth.username === options.auth.user) {
        if (auth.password === options.auth.pass) return callback(null, { user: auth.username });
      }
      sink.authFailures++;
      const error = new Error('Invalid username or password') as Error & { responseCode: number };
      error.responseCode = 535;
      return callback(error);
    },
    onMailFrom(address, _session, callback) {
      const answer = options.onMailFrom?.(address.address.toLowerCase());
      if (!answer) return callback();
      const error = new Error(answer.message ?? 'Sender address rejected') as Error & {
        responseCode: number;
      };
      error.responseCode = answer.code;
      return callback(error);
    },
    onRcptTo(address, _session, callback) {
      const email = address.address.toLowerCase();
      const attempt = (rcptAttempts.get(email) ?? 0) + 1;
      rcptAttempts.set(email, attempt);
      const answer = options.onRcpt?.(email, attempt);
      if (!answer) return callback();
      const error = new Error(
        answer.message ?? (answer.code >= 500 ? 'No such user' : 'Try again later'),
      ) as Error & { responseCode: number };
      error.responseCode = answer.code;
      return callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        dataCount++;
        if (options.dropEvery && dataCount % options.dropEvery === 0) {
          sink.dropped++;
          sockets.get(session.remotePort)?.destroy();
          return;
        }
        const accept = () => {
          const raw = Buffer.concat(chunks);
          let parsed: Promise<ParsedMail> | undefined;
          messages.push({
            rcpt: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            raw,
            parsed: () => {
              parsed ??= simpleParser(raw);
              return parsed;
            },
          });
          for (const wake of waiters) wake();
          callback(null, 'OK: queued');
        };
        if (sink.delayMs > 0) setTimeout(accept, sink.delayMs);
        else accept();
      });
    },
  };
  const server = new SMTPServer(serverOptions);
  server.on('error', () => {
    // Clients killed mid-conversation reset their sockets; that is what the tests do.
  });
  server.server.on('connection', (socket: Socket) => {
    const port = socket.remotePort;
    if (port === undefined) return;
    sockets.set(port, socket);
    socket.on('close', () => sockets.delete(port));
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  if (!address || typeof address === 'string') throw new Error('the sink did not get a port');
  const port = address.port;

  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    rcptAttempts,
    get dropped() {
      return sink.dropped;
    },
    get authFailures() {
      return sink.authFailures;
    },
    get delayMs() {
      return sink.delayMs;
    },
    set delayMs(ms: number) {
      sink.delayMs = ms;
    },
    countByAddress() {
      const counts = new Map<string, number>();
      for (const message of messages)
        for (const rcpt of message.rcpt) counts.set(rcpt, (counts.get(rcpt) ?? 0) + 1);
      return counts;
    },
    waitForMessages(n, timeoutMs = 60_000) {
      if (messages.length >= n) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`the sink got ${messages.length} messages, expected ${n}`));
        }, timeoutMs);
        function check() {
          if (messages.length < n) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        }
        waiters.add(check);
      });
    },
    async waitForIdle(timeoutMs = 10_000) {
      const deadline = performance.now() + timeoutMs;
      while (sockets.size > 0) {
        if (performance.now() > deadline)
          throw new Error(`${sockets.size} connections still open after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    },
    close() {
      return new Promise((resolve) => {
        for (const socket of sockets.values()) socket.destroy();
        server.close(() => resolve());
      });
    },
  };
}
