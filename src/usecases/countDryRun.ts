import { VFile } from 'vfile';
import type { VFileMessage } from 'vfile-message';
import { RecipientQueue } from '../deliver/recipientQueue.js';
import { transportFromEnv } from '../deliver/transports/transportFromEnv.js';
import { collectProblems } from '../diagnostics/collectProblems.js';
import { addressHash } from '../ledger/addressHash.js';
import { journalPath, type Shard } from '../ledger/archivePaths.js';
import { editionStartedAt } from '../ledger/editionStartedAt.js';
import { HashPrefixMap } from '../ledger/HashPrefixMap.js';
import { Journal } from '../ledger/Journal.js';
import type { JournalOutcomes } from '../ledger/JournalOutcomes.js';
import { secretId } from '../ledger/secretId.js';
import { readSuppressions } from '../ledger/suppressions.js';
import type { Project } from '../project/loadProject.js';
import type { Rendered } from '../render/Rendered.js';
import { findEditionSend } from '../store/beginEditionSend.js';
import { deliveryCounts } from '../store/deliveryCounts.js';
import { streamOpenDeliveries } from '../store/streamOpenDeliveries.js';
import { suppressedHashes } from '../store/suppressedHashes.js';
import { chooseLedger } from './chooseLedger.js';
import { type OpenRecipients, withRecipients } from './openRecipients.js';
import { type SendRefusal, sendPreflight } from './sendPreflight.js';

export interface DryRunOptions {
  project: Pick<Project, 'root' | 'config'>;
  rendered: Rendered;
  secret: string;
  env: NodeJS.ProcessEnv;
  subscribers?: string | undefined;
  shard?: Shard | undefined;
  /** The moment a first send would begin at: who is active then is counted. */
  now?: Date | undefined;
}

/** What a send would do now, counted without sending or writing anything. */
export interface DryRunCount {
  status: 'counted';
  editionId: string;
  subject: string;
  htmlBytes: number;
  /** The subscriber list's path, or the store's description. */
  subscribers: string;
  /** Recipients in the list (in this shard), after invalid and duplicate rows. */
  total: number;
  /** A final outcome already in the journal. */
  done: number;
  suppressed: number;
  /** What a send would mail: total less done and suppressed. */
  toSend: number;
  listProblems: VFileMessage[];
  /** The suppression list's warnings. */
  warnings: string[];
}

export type DryRunResult =
  | { status: 'refused'; refusal: SendRefusal; warnings: string[] }
  | DryRunCount;

/**
 * `send --dry-run`: the same preflight as a send, the transport made and
 * closed, then the list counted against the journal and the suppressions.
 */
export async function countDryRun(options: DryRunOptions): Promise<DryRunResult> {
  return withRecipients(
    { root: options.project.root, flag: options.subscribers, env: options.env },
    (list) => countList(options, list),
  );
}

async function countList(options: DryRunOptions, list: OpenRecipients): Promise<DryRunResult> {
  const { project, rendered, secret, env } = options;
  const { source } = list;
  const { refusal, warnings } = await sendPreflight({
    project,
    source,
    secret,
    env,
    editionId: rendered.edition.id,
    shard: options.shard,
  });
  if (refusal) return { status: 'refused', refusal, warnings };
  // The transport a send would use, made and closed (it connects only to
  // send): SMTP_URL and the DKIM key fail here as they would there.
  await transportFromEnv(env, project.root, rendered.edition.id).close();
  const choice = await chooseLedger({
    root: project.root,
    editionId: rendered.edition.id,
    shard: options.shard,
    store: list.store,
  });
  if (choice.ledger === 'refused') return { status: 'refused', refusal: choice.refusal, warnings };
  if (choice.ledger === 'journal' && choice.note) warnings.push(choice.note);
  const listFile = new VFile({ path: source.path });
  const { hashes: suppressed } = await readSuppressions(project.root, secret, new HashPrefixMap());
  const alsoSuppressed = list.store
    ? await suppressedHashes(list.store, secret)
    : new HashPrefixMap();
  const counted = {
    status: 'counted' as const,
    editionId: rendered.edition.id,
    subject: rendered.subject,
    htmlBytes: Buffer.byteLength(rendered.html),
    subscribers: source.path,
    warnings,
  };
  const begun =
    choice.ledger === 'deliveries' && (await findEditionSend(choice.store, rendered.edition.id));
  if (choice.ledger === 'deliveries' && begun) {
    // The edition's rows: the final ones are done, the others counted as a
    // claim would treat them.
    const isSuppressed = (hash: string) => suppressed.has(hash) || alsoSuppressed.has(hash);
    const counts = await deliveryCounts(choice.store, rendered.edition.id);
    let toSend = 0;
    let skip = 0;
    for await (const row of streamOpenDeliveries(choice.store, rendered.edition.id)) {
      const mailable =
        row.address !== undefined &&
        row.status === 'active' &&
        !isSuppressed(addressHash(row.address, secret));
      if (mailable) toSend++;
      else skip++;
    }
    return {
      ...counted,
      total: begun.total,
      done: counts.sent + counts.failed + counts.suppressed,
      suppressed: skip,
      toSend,
      listProblems: [],
    };
  }
  // The queue a send takes its recipients from, read without sending: the
  // count is what a send would mail. As in a send, the list is counted
  // before the journal is read, so the journal's table is sized for the
  // list and never held beside the first pass's duplicate check.
  let journal: JournalOutcomes | undefined;
  const queue = await RecipientQueue.open({
    source: list.recipients,
    // The cut-off a send would use: the edition's first start, or now.
    activeAt:
      (await editionStartedAt(project.root, rendered.edition.id)) ?? options.now ?? new Date(),
    listFile,
    secret,
    shard: options.shard,
    isSuppressed: (hash) => suppressed.has(hash) || alsoSuppressed.has(hash),
    lastEntry: (hash) => journal?.last(hash),
  });
  journal = Journal.peek(
    journalPath(project.root, rendered.edition.id, options.shard),
    secretId(secret),
    { expectedSize: queue.total },
  );
  let toSend = 0;
  while (await queue.next()) toSend++;
  const { total, skipped: done, suppressed: skipSuppressed } = queue;
  return {
    ...counted,
    total,
    done,
    suppressed: skipSuppressed,
    toSend,
    listProblems: collectProblems([listFile]),
  };
}
