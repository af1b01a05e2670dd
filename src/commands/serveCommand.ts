import path from 'node:path';
import type { CommandContext } from '../cli/CommandContext.js';
import { databaseUrlAsUsage } from '../cli/databaseUrlAsUsage.js';
import { UsageError } from '../cli/UsageError.js';
import { loadConfig } from '../config/loadConfig.js';
import { secretFromEnv } from '../deliver/secret.js';
import { transportFromEnv } from '../deliver/transports/transportFromEnv.js';
import { catchUpEditionId } from '../edition/planCatchUp.js';
import { catchUpRunner } from '../serve/catchUpRunner.js';
import { createServeApp } from '../serve/createServeApp.js';
import { type BounceSmtp, startBounceSmtp } from '../serve/startBounceSmtp.js';
import { webhookSettings } from '../serve/webhookSettings.js';
import { applyBounceEvents } from '../usecases/applyBounceEvents.js';
import { openSubscriberStore } from '../usecases/openSubscriberStore.js';
import { isLoopback } from '../util/isLoopback.js';

export const defaultServePort = 4322;

/** `storyline serve`: run the reader's side until SIGINT or SIGTERM. */
export async function run({ values, io }: CommandContext): Promise<number> {
  const root = path.resolve(io.cwd, typeof values.root === 'string' ? values.root : '.');
  const host = typeof values.host === 'string' ? values.host : '127.0.0.1';
  const port = parsePort(values.port);
  const smtpPort =
    values['smtp-port'] === undefined ? undefined : parsePort(values['smtp-port'], '--smtp-port');
  const smtpHost = typeof values['smtp-host'] === 'string' ? values['smtp-host'] : host;
  if (smtpPort === undefined && values['smtp-host'] !== undefined)
    throw new UsageError('--smtp-host goes with --smtp-port N');
  const { config, file } = await loadConfig(root);
  if (file.messages.length > 0) {
    for (const message of file.messages) io.stderr.write(`${String(message)}\n`);
    if (file.messages.some((message) => message.fatal !== false)) return 1;
  }
  const bounceDomain = config.bounces.domain;
  if (smtpPort !== undefined && !bounceDomain)
    throw new UsageError(
      'Unexpected --smtp-port without bounces.domain, expected the domain bounces are mailed back to in storyline.config.json (`"bounces": { "domain": "bounces.example.org" }`)',
    );
  // A provider configured without its secret would refuse every webhook: say so before listening.
  const webhooks = webhookSettings(config, io.env);
  if (webhooks.problems.length > 0) throw new UsageError(webhooks.problems.join('\n'));
  const { secret, warning } = secretFromEnv(io.env);
  if (warning) io.stderr.write(`warning: ${warning}\n`);
  const store = await databaseUrlAsUsage(openSubscriberStore(io.env, root));
  const transport = transportFromEnv(io.env, root, 'confirmations');
  const log = (entry: Record<string, unknown>) =>
    io.stdout.write(`${JSON.stringify({ time: io.now().toISOString(), ...entry })}\n`);
  // One policy for every source; it hashes only the subscribers new since its last batch.
  const apply = applyBounceEvents({ root, config, store, secret, now: io.now });
  const { settings } = webhooks;
  const anyWebhook = Boolean(
    settings.ses ?? settings.postmark ?? settings.mailgun ?? settings.sendgrid,
  );
  // Catch-ups go as an edition's messages do: the same relay, their own outbox folder.
  const catchUpTransport = transportFromEnv(io.env, root, catchUpEditionId);
  const leaseMs = config.catchUp.leaseSeconds * 1000;
  // Often enough that a row or link left by a crash is taken soon after its lease runs out.
  const sweepEveryMs = Math.max(1000, Math.min(60_000, leaseMs / 2));
  const catchUps = catchUpRunner({
    root,
    store,
    secret,
    transport: catchUpTransport,
    env: io.env,
    now: io.now,
    leaseMs,
    sweepEveryMs,
    log,
  });
  const app = await createServeApp({
    root,
    config,
    store,
    secret,
    transport,
    now: io.now,
    suppressionsFile: !io.env.STORYLINE_DATABASE_URL?.trim(),
    log: (line) => io.stdout.write(`${line}\n`),
    ...(anyWebhook ? { webhooks: { ...settings, apply } } : {}),
    onConfirmed: (subscriberId) => catchUps.confirmed(subscriberId),
    // A confirmation mail is a send in flight like a catch-up: the same lease, the same schedule.
    confirmationSweep: { leaseMs, everyMs: sweepEveryMs },
    // What an earlier run left due or unfinished is picked up as soon as we listen.
    onListen: () => catchUps.start(),
  });
  let smtp: BounceSmtp | undefined;
  try {
    try {
      await app.fastify.listen({ host, port });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        io.stderr.write(`storyline serve: port ${port} is in use; pass --port N for another\n`);
        return 1;
      }
      throw error;
    }
    if (smtpPort !== undefined && bounceDomain) {
      try {
        smtp = await startBounceSmtp({ port: smtpPort, host: smtpHost, bounceDomain, apply, log });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE' || code === 'EACCES') {
          io.stderr.write(
            `storyline serve: SMTP port ${smtpPort} ${code === 'EADDRINUSE' ? 'is in use' : 'needs a privilege this process lacks (CAP_NET_BIND_SERVICE)'}; pass --smtp-port N for another\n`,
          );
          return 1;
        }
        throw error;
      }
    }
    const address = app.fastify.server.address();
    const listening =
      typeof address === 'object' && address
        ? `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}/`
        : String(address);
    if (!config.serve.publicUrl)
      io.stderr.write(
        `warning: serve.publicUrl is not set in storyline.config.json: links in confirmation mails point at ${listening}, and archive pages carry no sign-up form\n`,
      );
    if (!isLoopback(host))
      io.stderr.write(
        `warning: listening on ${host}; in production listen on 127.0.0.1 behind a reverse proxy with TLS\n`,
      );
    io.stderr.write(
      `Serving ${path.relative(io.cwd, root) || '.'} at ${listening}; confirmation mails go to ${transport.description}, catch-ups to ${catchUpTransport.description}${smtp ? `; bounces for @${bounceDomain} on smtp://${smtpHost.includes(':') ? `[${smtpHost}]` : smtpHost}:${smtp.port}` : ''} (Ctrl-C to stop)\n`,
    );
    const { signal } = io;
    await new Promise<void>((resolve) => {
      if (signal?.aborted) resolve();
      signal?.addEventListener('abort', () => resolve(), { once: true });
    });
    return 0;
  } finally {
    await smtp?.close();
    await app.close();
    // After the requests: a confirmation in flight has scheduled its catch-up, and
    // the catch-up being sent is finished and recorded before the store closes.
    await catchUps.close();
    await catchUpTransport.close();
    await transport.close();
    await store.close();
  }
}

function parsePort(value: unknown, flag = '--port'): number {
  if (value === undefined) return defaultServePort;
  // Digits only: Number() would also take `1e3`, `0x50`, ` 80` and `` (0).
  const port = typeof value === 'string' && /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`${flag} takes a number from 0 to 65535, not \`${String(value)}\``);
  return port;
}
