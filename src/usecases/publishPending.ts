import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { VFileMessage } from 'vfile-message';
import { writeArchive } from '../archive/writeArchive.js';
import { ContentCache } from '../content/ContentCache.js';
import { secretFromEnv } from '../deliver/secret.js';
import { outboxDir } from '../deliver/transports/transportFromEnv.js';
import { collectProblems } from '../diagnostics/collectProblems.js';
import { sendWritePaths } from '../ledger/sendWritePaths.js';
import type { Project } from '../project/loadProject.js';
import type { Rendered } from '../render/Rendered.js';
import { refusedWrite } from '../util/assertWritableInsideRoot.js';
import { checkProject } from './checkProject.js';
import { type DeliveryEvent, type DeliveryResult, deliverEdition } from './deliverEdition.js';
import { type BuiltEdition, writeEditionFiles } from './writeEditionFiles.js';

export interface PublishOptions {
  root: string;
  env: NodeJS.ProcessEnv;
  now: () => Date;
  /** Aborting stops the send as SIGINT or SIGTERM would; the archive is still written. */
  signal?: AbortSignal | undefined;
  onEvent?: (event: PublishEvent) => void;
}

/** What happens while a publish runs, in order, for a command to show as it happens. */
export type PublishEvent =
  /** The first check's errors and warnings. */
  | { type: 'checked'; problems: VFileMessage[] }
  | { type: 'edition'; editionId: string; subject: string }
  | { type: 'built'; built: BuiltEdition }
  | DeliveryEvent
  | { type: 'delivered'; edition: PublishedEdition }
  /** Errors found when checking again after an edition went out. */
  | { type: 'rechecked'; problems: VFileMessage[] };

export interface PublishedEdition {
  id: string;
  subject: string;
  built: BuiltEdition;
  delivery: DeliveryResult;
  /** Where the messages went without SMTP_URL, and how many `.eml` files it holds. */
  outbox: { dir: string; count: number } | undefined;
}

export type PublishResult =
  | { status: 'check-failed'; problems: VFileMessage[]; summary: string }
  | { status: 'refused'; message: string }
  | {
      status: 'published';
      /** Each edition sent (or attempted) in this run, in order. */
      editions: PublishedEdition[];
      /** Undefined when the story could not be read again after sending. */
      archive: { dir: string; written: string[]; problems: VFileMessage[] } | undefined;
      /** Every edition delivered in full, and the archive written without problems. */
      ok: boolean;
    };

/** More editions than this in one run means something keeps re-planning: stop and look. */
const maxEditionsPerRun = 20;

/**
 * What CI runs on main: check, build the pending edition, send it, and
 * bring the archive up to date. The edition is rendered once and used for
 * all three. Run twice, the second run mails nothing and leaves `archive/`
 * byte for byte as it was. The archive is written even when the send stops
 * part-way, so its journal is kept and the next run resumes.
 */
export async function publishPending(options: PublishOptions): Promise<PublishResult> {
  const { root, env, now } = options;
  const emit = options.onEvent ?? (() => {});
  // Sending changes the ledger, not the content: the check after each
  // edition re-reads the ledger and reuses the parsed story.
  const cache = new ContentCache();
  let checked = await checkProject({ root, now: now(), cache });
  emit({ type: 'checked', problems: checked.problems });
  if (!checked.ok || !checked.project.story) {
    return { status: 'check-failed', problems: checked.problems, summary: checked.summary };
  }
  // Before anything is built or sent: a write refused half-way through would
  // leave recipients mailed and not journaled, or an archive half-written.
  const refused = await refusedWrite(
    checked.project.root,
    publishWritePaths(checked.project.root, checked.pending?.edition.id, env),
  );
  if (refused) return { status: 'refused', message: refused.message };
  let ok = true;
  const editions: PublishedEdition[] = [];
  // One edition after another: an edition resumed from an earlier run may
  // have newer updates queued behind it, and they go out in the same run.
  while (checked.pending && ok && editions.length < maxEditionsPerRun) {
    const published = await publishEdition(checked.project, checked.pending, options, emit);
    editions.push(published);
    emit({ type: 'delivered', edition: published });
    if (!deliveredInFull(published.delivery)) {
      ok = false;
      break;
    }
    checked = await checkProject({ root, now: now(), cache });
    if (!checked.ok) {
      emit({ type: 'rechecked', problems: checked.problems.filter((p) => p.fatal) });
      ok = false;
    }
  }
  const { project, template } = checked;
  const story = project.story;
  if (!story) return { status: 'published', editions, archive: undefined, ok: false };
  const archive = await writeArchive(project.root, story, project.config, template);
  const problems = collectProblems(archive.files);
  return {
    status: 'published',
    editions,
    archive: { dir: path.join(project.root, 'archive'), written: archive.written, problems },
    ok: ok && archive.files.length === 0,
  };
}

/** A delivery that leaves nothing to do: every recipient final, none deferred, not stopped. */
export function deliveredInFull(delivery: DeliveryResult): boolean {
  return (
    delivery.status === 'finished' &&
    !delivery.report.stopped &&
    delivery.report.counts.deferred === 0
  );
}

/** The files a publish writes under the content root: the pending edition's, and the archive's own. */
function publishWritePaths(
  root: string,
  editionId: string | undefined,
  env: NodeJS.ProcessEnv,
): string[] {
  const archive = path.join(root, 'archive');
  const paths = ['index.html', 'feed.xml', 'feed.json'].map((name) => path.join(archive, name));
  if (editionId === undefined) return paths;
  return [
    ...paths,
    path.join(archive, editionId, 'index.html'),
    path.join(archive, editionId, 'email.txt'),
    path.join(root, '.storyline', 'build', editionId),
    ...sendWritePaths(root, editionId),
    ...(env.SMTP_URL?.trim() ? [] : [path.join(outboxDir(root), editionId)]),
  ];
}

/** Build files for, send, and count the outbox of one pending edition. */
async function publishEdition(
  project: Project,
  pending: Rendered,
  options: PublishOptions,
  emit: (event: PublishEvent) => void,
): Promise<PublishedEdition> {
  const { env, now } = options;
  emit({ type: 'edition', editionId: pending.edition.id, subject: pending.subject });
  const built = await writeEditionFiles(
    pending,
    path.join(project.root, '.storyline', 'build'),
    project.config,
    now(),
    project.root,
  );
  emit({ type: 'built', built });
  const { secret, warning } = secretFromEnv(env);
  if (warning) emit({ type: 'warning', text: `warning: ${warning}` });
  const delivery = await deliverEdition({
    project,
    rendered: pending,
    secret,
    env,
    now,
    signal: options.signal,
    onEvent: emit,
  });
  let outbox: PublishedEdition['outbox'];
  if (!env.SMTP_URL?.trim()) {
    const dir = path.join(outboxDir(project.root), pending.edition.id);
    outbox = { dir, count: (await readdir(dir).catch(() => [])).length };
  }
  return { id: pending.edition.id, subject: pending.subject, built, delivery, outbox };
}
