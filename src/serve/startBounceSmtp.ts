import type { AppliedBounces, ApplyBounceEvents } from '../bounces/BounceEvent.js';
import {
  type BounceSmtpCounts,
  createBounceSmtpServer,
} from '../bounces/createBounceSmtpServer.js';

export interface BounceSmtpOptions {
  port: number;
  host: string;
  /** `bounces.domain`. */
  bounceDomain: string;
  /** The bounce policy, shared with the webhook routes. */
  apply: ApplyBounceEvents;
  /** One structured log line; given counts and error codes, never an address. */
  log: (entry: Record<string, unknown>) => void;
  /** How often the counts are logged while they change. Default a minute. */
  logEveryMs?: number;
}

export interface BounceSmtp {
  /** The port it listens on (the one asked for, or the free one picked for 0). */
  port: number;
  counts: BounceSmtpCounts;
  /** Takes no new connections, waits for the reports being recorded, logs the counts. */
  close(): Promise<void>;
}

/**
 * `serve --smtp-port`: the bounce domain's inbound SMTP server beside the
 * HTTP service, with what it did in serve's log (counts only: the reports
 * quote addresses). Closing waits for every report already being applied,
 * so the store is not closed under one; a report whose sender was cut off
 * before its 250 is sent again by its server and counted once.
 */
export async function startBounceSmtp(options: BounceSmtpOptions): Promise<BounceSmtp> {
  const inFlight = new Set<Promise<AppliedBounces>>();
  const apply: ApplyBounceEvents = (events) => {
    const work = options.apply(events);
    inFlight.add(work);
    work.finally(() => inFlight.delete(work)).catch(() => {});
    return work;
  };
  const server = createBounceSmtpServer({
    bounceDomain: options.bounceDomain,
    apply,
    onApplyError: (error) =>
      options.log({
        event: 'smtp-apply-failed',
        code: (error as { code?: string }).code ?? (error as Error).name ?? 'unknown',
      }),
  });
  const port = await server.listen(options.port, options.host);
  options.log({ event: 'smtp-listening', host: options.host, port });
  let logged = '';
  const logCounts = (event: string) => {
    const counts = JSON.stringify(server.counts);
    if (event === 'smtp-counts' && counts === logged) return;
    logged = counts;
    options.log({ event, ...server.counts });
  };
  const timer = setInterval(() => logCounts('smtp-counts'), options.logEveryMs ?? 60_000);
  timer.unref();
  return {
    port,
    counts: server.counts,
    async close() {
      clearInterval(timer);
      await server.close();
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      logCounts('smtp-closed');
    },
  };
}
