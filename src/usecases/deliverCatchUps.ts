import type { VFileMessage } from 'vfile-message';
import { verpAddress } from '../bounces/verpId.js';
import { classifyFailure } from '../deliver/classifyFailure.js';
import { messageIdFor } from '../deliver/messageIdFor.js';
import { prepareRawMessage, type RawRecipient } from '../deliver/rawMessage.js';
import type { Transport } from '../deliver/transports/Transport.js';
import { transportFromEnv } from '../deliver/transports/transportFromEnv.js';
import { createUnsubscribeToken } from '../deliver/unsubscribeToken.js';
import { collectProblems } from '../diagnostics/collectProblems.js';
import { catchUpWords } from '../edition/catchUpWords.js';
import { catchUpEditionId, planCatchUp } from '../edition/planCatchUp.js';
import { addressHash } from '../ledger/addressHash.js';
import { readSuppressions } from '../ledger/suppressions.js';
import { loadProject, type Project } from '../project/loadProject.js';
import { loadTemplate } from '../render/loadTemplate.js';
import { type RenderedCatchUp, renderCatchUp } from '../render/renderCatchUp.js';
import { addSuppression } from '../store/addSuppression.js';
import { type ClaimedCatchUp, claimNextCatchUp, settleCatchUp } from '../store/claimCatchUp.js';
import { isSuppressed } from '../store/isSuppressed.js';
import type { Store } from '../store/Store.js';
import { setStatus } from '../store/setStatus.js';

/**
 * A claimed row is `sending` for at most this long before another run takes
 * it as left by a dead process: far longer than one SMTP exchange (30 s
 * timeouts), so a live process is never overtaken by a second one.
 */
export const defaultCatchUpLeaseMs = 10 * 60 * 1000;

export interface DeliverCatchUpsOptions {
  store: Store;
  /** The content root, loaded here; or `project`, one already loaded. */
  root?: string | undefined;
  project?: Project | undefined;
  /** `STORYLINE_SECRET`: unsubscribe tokens and suppression hashes. */
  secret: string;
  /**
   * Where the messages go; by default from the environment as `send` picks
   * it (`SMTP_URL`, DKIM from `DKIM_*`, else the outbox under
   * `.storyline/outbox/catch-up/`), closed at the end.
   */
  transport?: Transport | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  now: () => Date;
  /** Only this subscriber's catch-up (the one just confirmed). */
  subscriberId?: number | undefined;
  /**
   * How long a `sending` row is left to the process that claimed it
   * (`defaultCatchUpLeaseMs`); 0 takes every one, for a single process at
   * its startup, when no other can be sending.
   */
  leaseMs?: number | undefined;
  /** Aborting takes no further rows; the one in flight finishes and is recorded. */
  signal?: AbortSignal | undefined;
  /** Said at once (a resend after a crash), since the run may be killed before it returns. */
  onWarning?: ((text: string) => void) | undefined;
}

export type CatchUpDeliveryResult =
  /**
   * The content, config or template has errors (nothing was claimed), or
   * mjml refused the email (the row it stopped at is `due` again).
   */
  | { status: 'failed'; problems: VFileMessage[] }
  | { status: 'finished'; counts: CatchUpCounts; stopped?: string };

export interface CatchUpCounts {
  /** Accepted by the transport in this run. */
  sent: number;
  /** Refused for good (5xx), or nobody to send to any more (unsubscribed, suppressed, bounced). */
  failed: number;
  /** A temporary failure: `due` again, for a later run. */
  deferred: number;
  /** Taken over from a process that died while sending: sent again with the same Message-ID. */
  resumed: number;
}

/**
 * Sends every due catch-up email ("the story so far"), each exactly once
 * through crashes: a row is claimed (`sending`, with its Message-ID) before
 * the SMTP transaction and marked `sent` after the relay's reply. Rows left
 * `sending` by a process that died are taken again once their lease runs
 * out, and sent with the same Message-ID. The one window: a process killed
 * after the relay's 250 and before `sent` is written leaves the reader
 * mailed and the row `sending`, so the next run mails them again; that
 * count is `resumed`, said at once, and clients that drop a repeated
 * Message-ID show it once. Several processes may run this at once on one
 * database: each row is claimed by exactly one.
 */
export async function deliverCatchUps(
  options: DeliverCatchUpsOptions,
): Promise<CatchUpDeliveryResult> {
  const { store, secret, now } = options;
  const loaded = await loadContent(options);
  if (loaded.status === 'failed') return loaded;
  const { project, template } = loaded;
  const { config } = project;
  const env = options.env ?? process.env;
  const transport = options.transport ?? transportFromEnv(env, project.root, catchUpEditionId);
  const archiveSuppressed = (await readSuppressions(project.root, secret)).hashes;
  const counts: CatchUpCounts = { sent: 0, failed: 0, deferred: 0, resumed: 0 };
  const renders = new Map<string, Rendering>();
  const renderProblems: VFileMessage[] = [];
  const leaseMs = options.leaseMs ?? defaultCatchUpLeaseMs;
  let stopped: string | undefined;
  let after = 0;
  try {
    while (!options.signal?.aborted && stopped === undefined) {
      const started = now();
      const claim = await claimNextCatchUp(store, {
        now: started,
        staleBefore: new Date(started.getTime() - leaseMs),
        after,
        subscriberId: options.subscriberId,
        messageIdFor: ({ id, confirmedAt }) =>
          messageIdFor(
            config.from,
            `${catchUpEditionId}.${id}.${Date.parse(confirmedAt).toString(36)}`,
          ),
      });
      if (!claim) break;
      after = claim.id;
      if (claim.resumed) {
        counts.resumed++;
        options.onWarning?.(catchUpWords.resumedWarning(claim.id));
      }
      const outcome = await deliverOne(claim);
      if (outcome === 'stop') break;
    }
  } finally {
    if (!options.transport) await transport.close();
  }
  if (renderProblems.length > 0) return { status: 'failed', problems: renderProblems };
  if (options.signal?.aborted) stopped ??= 'interrupted';
  return { status: 'finished', counts, ...(stopped ? { stopped } : {}) };

  async function deliverOne(claim: ClaimedCatchUp): Promise<'next' | 'stop'> {
    const settle = (settlement: Parameters<typeof settleCatchUp>[2]) =>
      settleCatchUp(store, claim, settlement, now());
    const subscriber = await store.db
      .selectFrom('subscribers')
      .select(['address', 'name', 'status'])
      .where('id', '=', claim.subscriberId)
      .executeTakeFirst();
    // Unsubscribed (or bounced) between confirming and now: nobody to welcome.
    if (
      subscriber?.status !== 'active' ||
      archiveSuppressed.has(addressHash(subscriber.address, secret)) ||
      (await isSuppressed(store, subscriber.address, secret))
    ) {
      await settle({
        status: 'failed',
        reason: 'the subscriber is no longer active or is suppressed',
      });
      counts.failed++;
      return 'next';
    }
    const rendering = await renderingFor(new Date(claim.confirmedAt));
    if (!rendering) {
      // mjml refused the template with this content: nothing can be sent until it is fixed.
      await settle({ status: 'due', reason: 'the catch-up email did not render' });
      counts.deferred++;
      return 'stop';
    }
    const recipient: RawRecipient = {
      email: subscriber.address,
      name: subscriber.name ?? undefined,
    };
    const message = rendering.build(recipient, {
      token: createUnsubscribeToken(subscriber.address, secret),
      messageId: claim.messageId,
      date: now(),
      envelopeFrom:
        config.bounces.domain &&
        verpAddress(
          config.bounces.domain,
          catchUpEditionId,
          addressHash(subscriber.address, secret),
        ),
    });
    try {
      await transport.send(message);
    } catch (error) {
      const failure = classifyFailure(error);
      if (failure.kind === 'permanent') {
        await settle({ status: 'failed', reason: failure.reason });
        counts.failed++;
        // A hard bounce, as a send records one: never mailed again.
        if (failure.bounce) {
          await setStatus(store, subscriber.address, 'bounced', { source: 'send', now: now() });
          await addSuppression(store, {
            address: subscriber.address,
            reason: 'bounced',
            secret,
            now: now(),
          });
        }
        return 'next';
      }
      await settle({ status: 'due', reason: failure.reason });
      counts.deferred++;
      if (failure.kind === 'fatal') {
        // The relay refuses us, not this reader: every further try would fail the same way.
        stopped = failure.reason;
        return 'stop';
      }
      return 'next';
    }
    await settle({ status: 'sent' });
    counts.sent++;
    return 'next';
  }

  /**
   * One render per set of updates: readers confirmed between the same
   * editions share it. Undefined when mjml refuses it (its problems kept).
   */
  async function renderingFor(confirmedAt: Date): Promise<Rendering | undefined> {
    const story = project.story as NonNullable<Project['story']>;
    const catchUp = planCatchUp(story, project.editions, confirmedAt, config);
    const key = catchUp.updates.map((update) => update.id).join('\n');
    let rendering = renders.get(key);
    if (!rendering) {
      const result = await renderCatchUp(catchUp, template, config);
      if (!result.ok) {
        renderProblems.push(...collectProblems(result.files));
        return undefined;
      }
      rendering = {
        catchUp: result.catchUp,
        build: prepareRawMessage(result.catchUp.rendered, config),
      };
      renders.set(key, rendering);
    }
    return rendering;
  }
}

interface Rendering {
  catchUp: RenderedCatchUp;
  build: ReturnType<typeof prepareRawMessage>;
}

/** The project and template, or every problem that keeps anything from being sent. */
async function loadContent(options: DeliverCatchUpsOptions) {
  const project =
    options.project ??
    (options.root !== undefined ? await loadProject(options.root, options.now()) : undefined);
  if (!project) throw new Error('deliverCatchUps needs a root or a project');
  const template = await loadTemplate(project.root, project.config);
  const problems = collectProblems([...project.files, ...template.files]);
  if (!project.story || !template.template || problems.some((p) => p.fatal)) {
    return { status: 'failed' as const, problems };
  }
  return { status: 'loaded' as const, project, template: template.template };
}
