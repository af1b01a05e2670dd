import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import { h } from 'hastscript';
import { sql } from 'kysely';
import type { Config } from '../config/configSchema.js';
import type { Transport } from '../deliver/transports/Transport.js';
import type { Store } from '../store/Store.js';
import { confirmRoutes } from './confirmRoutes.js';
import { originCheck } from './originCheck.js';
import { requestLog } from './requestLog.js';
import { resendUnsentConfirmations } from './resendUnsentConfirmations.js';
import type { ServeContext } from './ServeContext.js';
import { backToStory, say, servePage } from './servePages.js';
import { subscribeRoutes } from './subscribeRoutes.js';
import { unsubscribeRoutes } from './unsubscribeRoutes.js';
import { type WebhookRoutesOptions, webhookRoutes } from './webhookRoutes.js';

export interface ServeAppOptions {
  /** The content root: `archive/` is served from it, the outbox and suppressions live under it. */
  root: string;
  config: Config;
  store: Store;
  secret: string;
  transport: Transport;
  now?: () => Date;
  /** Where readers reach the service; default `serve.publicUrl`, else the address it listens on. */
  publicUrl?: string;
  /** Also write unsubscribes to `archive/suppressions.jsonl` (see `ServeContext`); true by default. */
  suppressionsFile?: boolean;
  /** Called after a confirmation (or a resubscribe) has committed, with the subscriber's id. */
  onConfirmed?: (subscriberId: number) => void;
  /** Called once the server listens: where work left from an earlier run (catch-ups) is picked up. */
  onListen?: () => void | Promise<void>;
  /**
   * Mail again the confirmation links a killed process claimed but never
   * sent: once listening, then every `everyMs`; a link belongs to the
   * process that claimed it for `leaseMs`. Off when not given.
   */
  confirmationSweep?: { leaseMs: number; everyMs: number };
  /** Each log line, JSON; standard output by default. */
  log?: (line: string) => void;
  /** Providers' bounce webhooks (`POST /webhooks/<provider>`), with the policy they apply to. */
  webhooks?: WebhookRoutesOptions;
}

export interface ServeApp {
  fastify: FastifyInstance;
  /** Resolves when no confirmation mail is being sent. */
  whenIdle(): Promise<void>;
  /** Stops taking requests, finishes those in flight and the mails being sent. */
  close(): Promise<void>;
}

/**
 * `storyline serve`'s HTTP service, on Fastify: the archive as a static
 * site, sign-up with double opt-in, confirmation, one-click unsubscribe,
 * `/healthz`. Owns neither store nor transport: whoever made them closes
 * them after `close()`.
 */
export async function createServeApp(options: ServeAppOptions): Promise<ServeApp> {
  const { config } = options;
  const limits = config.serve.limits;
  const fastify = Fastify({
    logger: false,
    bodyLimit: limits.bodyBytes,
    trustProxy: config.serve.trustProxy,
    // Sign-up pages and one-click POSTs are small; a client slower than this is not a reader.
    requestTimeout: 30_000,
  });
  const inFlight = new Set<Promise<unknown>>();
  const write = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? (() => new Date());
  const publicUrl = () => {
    const configured = options.publicUrl ?? config.serve.publicUrl;
    if (configured) return configured.endsWith('/') ? configured : `${configured}/`;
    const address = fastify.server.address() as AddressInfo | null;
    if (!address) return 'http://127.0.0.1/';
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}/`;
  };
  let origins: Set<string> | undefined;
  const allowedOrigins = () => {
    origins ??= new Set([new URL(config.siteUrl).origin, new URL(publicUrl()).origin]);
    return origins;
  };
  const context: ServeContext = {
    root: options.root,
    config,
    store: options.store,
    secret: options.secret,
    transport: options.transport,
    now,
    publicUrl,
    suppressionsFile: options.suppressionsFile ?? true,
    onConfirmed: options.onConfirmed,
    track(work) {
      inFlight.add(work);
      work.finally(() => inFlight.delete(work)).catch(() => {});
    },
    log(entry) {
      write(JSON.stringify({ time: now().toISOString(), ...entry }));
    },
  };

  requestLog(fastify, context.log, options.secret);
  await fastify.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'https:', 'data:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'", new URL(publicUrl()).origin],
        frameAncestors: ["'none'"],
      },
    },
    // Tokens travel in query strings: no page of ours tells another site its URL.
    // Not `no-referrer`: with it Chromium sends `Origin: null` on our own
    // forms, and the origin check could no longer tell them from a stranger's.
    referrerPolicy: { policy: 'same-origin' },
    // The archive's images are shown in mails and webmail, which load them from other origins.
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    frameguard: { action: 'deny' },
    // TLS is the reverse proxy's: it decides on HSTS for its host.
    strictTransportSecurity: false,
  });
  await fastify.register(formbody, { bodyLimit: limits.bodyBytes });
  // RFC 8058 allows multipart/form-data for the one-click POST, and nothing in
  // any other body is read: take it as text (within the body limit) rather than 415.
  fastify.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    done(null, body);
  });
  await fastify.register(rateLimit, {
    global: limits.requestsPerMinute > 0,
    max: limits.requestsPerMinute || 1,
    timeWindow: 60_000,
  });
  const signUpLimit =
    limits.signUpsPerMinute > 0 ? { max: limits.signUpsPerMinute, timeWindow: 60_000 } : false;
  fastify.addHook('onRequest', originCheck(allowedOrigins));

  fastify.setErrorHandler(async (error, _request, reply) => {
    const status =
      typeof (error as { statusCode?: unknown }).statusCode === 'number'
        ? ((error as { statusCode: number }).statusCode ?? 500)
        : 500;
    // Never the message: a JSON parse error quotes the body, which may hold an address.
    context.log({ event: 'error', status, code: (error as { code?: string }).code ?? 'unknown' });
    return reply
      .code(status)
      .type('text/html; charset=utf-8')
      .send(
        servePage(config, say(config, status === 429 ? 'tooManyRequestsTitle' : 'errorTitle'), [
          h(
            'p.problem',
            say(
              config,
              status === 429 ? 'tooManyRequests' : status < 500 ? 'badRequest' : 'serverError',
            ),
          ),
          backToStory(config),
        ]),
      );
  });
  fastify.setNotFoundHandler(async (_request, reply) =>
    reply
      .code(404)
      .type('text/html; charset=utf-8')
      .send(servePage(config, say(config, 'notFoundTitle'), [backToStory(config)])),
  );

  fastify.get('/healthz', { config: { rateLimit: false } }, async (_request, reply) => {
    await sql`select 1`.execute(options.store.db);
    return reply.header('Cache-Control', 'no-store').send({ ok: true });
  });
  subscribeRoutes(fastify, context, { allowedOrigins, signUpLimit });
  confirmRoutes(fastify, context, { signUpLimit });
  unsubscribeRoutes(fastify, context);
  if (options.webhooks)
    await fastify.register(webhookRoutes, { now, log: context.log, ...options.webhooks });

  const archive = path.join(options.root, 'archive');
  if (existsSync(archive)) {
    await fastify.register(fastifyStatic, {
      root: archive,
      prefix: '/',
      index: 'index.html',
      dotfiles: 'deny',
      // The ledger's files hold address hashes and sending state: not for the web.
      allowedPath: (pathName) => !/\.jsonl$|\/status\.[^/]*\.json$|\.lock$/.test(pathName),
    });
  } else {
    fastify.get('/', async (_request, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .send(
          servePage(config, config.publication, [
            h('p', 'Nothing is published yet: `storyline publish` writes archive/.'),
          ]),
        ),
    );
  }
  const sweepOptions = options.confirmationSweep;
  const sweepController = new AbortController();
  let sweepTimer: NodeJS.Timeout | undefined;
  let sweeping = false;
  // One sweep at a time in this process; other processes are kept apart by the store.
  const sweep = () => {
    if (!sweepOptions || sweeping || sweepController.signal.aborted) return;
    sweeping = true;
    context.track(
      resendUnsentConfirmations(context, {
        leaseMs: sweepOptions.leaseMs,
        signal: sweepController.signal,
      })
        .catch((error: unknown) => {
          // A store gone away or the like: the links stay unsent, for the next sweep.
          context.log({
            event: 'confirmation-sweep-error',
            code: (error as { code?: unknown }).code ?? (error as Error).name ?? 'unknown',
          });
        })
        .finally(() => {
          sweeping = false;
        }),
    );
  };
  if (sweepOptions) {
    fastify.addHook('onListen', async () => {
      sweep();
      sweepTimer ??= setInterval(sweep, sweepOptions.everyMs);
      // The sweep never keeps the process alive on its own.
      sweepTimer.unref();
    });
  }
  if (options.onListen) {
    const onListen = options.onListen;
    fastify.addHook('onListen', async () => {
      await onListen();
    });
  }

  const whenIdle = async () => {
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  };
  return {
    fastify,
    whenIdle,
    async close() {
      if (sweepTimer) clearInterval(sweepTimer);
      sweepController.abort();
      await fastify.close();
      await whenIdle();
    },
  };
}
