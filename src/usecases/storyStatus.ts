import type { VFileMessage } from 'vfile-message';
import type { Config } from '../config/configSchema.js';
import type { Update } from '../content/Story.js';
import { collectProblems } from '../diagnostics/collectProblems.js';
import type { EditionRecord } from '../ledger/EditionRecord.js';
import { loadProject } from '../project/loadProject.js';
import { countByStatus } from '../store/countByStatus.js';
import type { SubscriberStatus } from '../store/Database.js';
import { type EditionSendProgress, editionSendProgress } from '../store/editionSendProgress.js';
import { chooseEdition } from './chooseEdition.js';
import {
  type BounceCounts,
  type BounceRateWarning,
  bounceRateWarnings,
  countBounces,
  type EditionBounces,
  editionBounces,
} from './countBounces.js';
import { openExistingStore } from './openSubscriberStore.js';

/** What to do next, in the order it matters. */
export type NextStep =
  | { kind: 'fix-problems' }
  | {
      kind: 'resume';
      editionId: string;
      shards: number;
      deferred: number;
      /** Send processes working on it now (the deliveries ledger on PostgreSQL only). */
      senders?: number | undefined;
    }
  | { kind: 'preview-and-publish'; editionId: string }
  | { kind: 'nothing-to-send' };

export type StoryStatus =
  | { status: 'no-story'; problems: VFileMessage[] }
  | {
      status: 'ok';
      problems: VFileMessage[];
      config: Config;
      title: string;
      updates: number;
      /** Not drafts and not yet mailed, oldest first. */
      pending: Update[];
      drafts: Update[];
      editions: EditionRecord[];
      next: NextStep;
      /** Subscribers by status, when there is a store (configured, or the embedded one once it exists). */
      subscribers?: Record<SubscriberStatus, number> | undefined;
      /** Each edition's bounces and complaints with their rates. */
      bounces: Map<string, EditionBounces>;
      /** The last edition's complaint or hard-bounce rate past its limit. */
      warnings: BounceRateWarning[];
    };

/** `storyline status`: pending updates, drafts, the editions sent with their counts, and what to do next. */
export async function storyStatus(
  root: string,
  now: Date,
  env: NodeJS.ProcessEnv = {},
): Promise<StoryStatus> {
  const project = await loadProject(root, now);
  const problems = collectProblems(project.files);
  const { story, config, sent, inProgress, editions } = project;
  if (!story) return { status: 'no-story', problems };
  const { subscribers, bounceCounts, live } = await storeFigures(root, env, inProgress?.id);
  let next: NextStep;
  const pendingEdition = chooseEdition(project, { otherwise: 'none' });
  if (problems.some((p) => p.fatal)) next = { kind: 'fix-problems' };
  else if (inProgress) {
    // The rows say more than the record, which processes write only as they start and end.
    const left =
      live && live.total - live.counts.sent - live.counts.failed - live.counts.suppressed;
    next = {
      kind: 'resume',
      editionId: inProgress.id,
      shards: inProgress.shards,
      deferred: left ?? inProgress.counts.deferred,
      ...(live ? { senders: live.senders } : {}),
    };
  } else if (pendingEdition)
    next = { kind: 'preview-and-publish', editionId: pendingEdition.edition.id };
  else next = { kind: 'nothing-to-send' };
  const bounces = editionBounces(editions, bounceCounts);
  return {
    status: 'ok',
    problems,
    config,
    title: story.base.title,
    updates: story.updates.length,
    pending: story.updates.filter((u) => !u.draft && !sent.has(u.id)),
    drafts: story.updates.filter((u) => u.draft),
    editions,
    next,
    subscribers,
    bounces,
    warnings: bounceRateWarnings(editions, bounces),
  };
}

/** Subscribers by status (with a store, as `openExistingStore` finds it) and bounces per edition (store and archive log). */
async function storeFigures(
  root: string,
  env: NodeJS.ProcessEnv,
  inProgress: string | undefined,
): Promise<{
  subscribers: Record<SubscriberStatus, number> | undefined;
  bounceCounts: Map<string, BounceCounts>;
  live?: EditionSendProgress | undefined;
}> {
  const store = await openExistingStore(env, root);
  if (!store) return { subscribers: undefined, bounceCounts: await countBounces(root, undefined) };
  try {
    return {
      subscribers: await countByStatus(store),
      bounceCounts: await countBounces(root, store),
      live: inProgress === undefined ? undefined : await editionSendProgress(store, inProgress),
    };
  } finally {
    await store.close();
  }
}
