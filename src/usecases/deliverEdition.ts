import { VFile } from 'vfile';
import type { VFileMessage } from 'vfile-message';
import { sendClaimedEdition } from '../deliver/sendClaimedEdition.js';
import {
  type SendProgress,
  type SendReport,
  sendEdition,
  UnusableListError,
} from '../deliver/sendEdition.js';
import { transportFromEnv } from '../deliver/transports/transportFromEnv.js';
import { collectProblems } from '../diagnostics/collectProblems.js';
import type { Shard } from '../ledger/archivePaths.js';
import type { Project } from '../project/loadProject.js';
import type { Rendered } from '../render/Rendered.js';
import type { StoppedWorker } from '../store/recoverStoppedWorkers.js';
import { chooseLedger } from './chooseLedger.js';
import { type OpenRecipients, storeSendHooks, withRecipients } from './openRecipients.js';
import { type SendRefusal, sendPreflight } from './sendPreflight.js';

/** What happens while a delivery runs, for a command to show as it happens. */
export type DeliveryEvent =
  | {
      type: 'start';
      editionId: string;
      subject: string;
      transport: string;
      /** The subscriber list's path, or the store's description. */
      subscribers: string;
      shard: Shard | undefined;
    }
  | { type: 'progress'; progress: SendProgress }
  /** Said at once, since the run may be killed before it returns. */
  | { type: 'warning'; text: string };

export interface DeliverOptions {
  project: Pick<Project, 'root' | 'config'>;
  rendered: Rendered;
  secret: string;
  env: NodeJS.ProcessEnv;
  now: () => Date;
  /** The list given with `--subscribers` (`db`: the store), if any. */
  subscribers?: string | undefined;
  shard?: Shard | undefined;
  /** Aborting takes no new recipients; those in flight finish and are journaled. */
  signal?: AbortSignal | undefined;
  onEvent?: (event: DeliveryEvent) => void;
}

export type DeliveryResult =
  | { status: 'refused'; refusal: SendRefusal }
  | { status: 'unusable-list'; listProblems: VFileMessage[] }
  | { status: 'finished'; report: SendReport; listProblems: VFileMessage[] };

/**
 * Mail a rendered edition to the subscriber list, after the preflight: the
 * part of `send` after loading and rendering, shared with `publish`.
 */
export async function deliverEdition(options: DeliverOptions): Promise<DeliveryResult> {
  return withRecipients(
    { root: options.project.root, flag: options.subscribers, env: options.env },
    (list) => deliverTo(options, list),
  );
}

async function deliverTo(options: DeliverOptions, list: OpenRecipients): Promise<DeliveryResult> {
  const { project, rendered, secret, env } = options;
  const { config } = project;
  const { edition } = rendered;
  const emit = options.onEvent ?? (() => {});
  const warn = (text: string) => emit({ type: 'warning', text });
  const { source } = list;
  const preflight = await sendPreflight({
    project,
    source,
    secret,
    env,
    editionId: edition.id,
    shard: options.shard,
  });
  for (const line of preflight.warnings) warn(line);
  if (preflight.refusal) return { status: 'refused', refusal: preflight.refusal };
  const choice = await chooseLedger({
    root: project.root,
    editionId: edition.id,
    shard: options.shard,
    store: list.store,
  });
  if (choice.ledger === 'refused') return { status: 'refused', refusal: choice.refusal };
  if (choice.ledger === 'journal' && choice.note) warn(choice.note);
  const listFile = new VFile({ path: source.path });
  const transport = transportFromEnv(env, project.root, edition.id);
  emit({
    type: 'start',
    editionId: edition.id,
    subject: edition.subject,
    transport: transport.description,
    subscribers: source.path,
    shard: options.shard,
  });
  let report: SendReport;
  try {
    const hooks = list.store
      ? await storeSendHooks(list.store, secret, edition.id, options.now)
      : {};
    const common = {
      root: project.root,
      rendered,
      config,
      transport,
      ...hooks,
      secret,
      signal: options.signal ?? new AbortController().signal,
      now: options.now,
      onProgress: (progress: SendProgress) => emit({ type: 'progress', progress }),
    };
    report =
      choice.ledger === 'deliveries'
        ? await sendClaimedEdition({
            ...common,
            store: choice.store,
            ledger: `deliveries table of the ${source.path}`,
            onStoppedWorkers: (stopped) => {
              for (const worker of stopped) warn(describeStoppedWorker(worker));
            },
          })
        : await sendEdition({
            ...common,
            source: list.recipients,
            listFile,
            shard: options.shard,
            onPossibleDuplicates: (count) =>
              warn(
                `warning: ${count} recipient${count === 1 ? ' was' : 's were'} being sent to when the last run stopped; they are sent again now and may get this edition twice`,
              ),
            onUnreadableJournal: (lines, problems) => {
              for (const problem of problems) warn(`${problem}; this line is skipped`);
              warn(
                `warning: ${lines} line${lines === 1 ? '' : 's'} of the delivery journal could not be read; those recipients are sent again and may get this edition twice`,
              );
            },
          });
  } catch (error) {
    if (!(error instanceof UnusableListError)) throw error;
    return { status: 'unusable-list', listProblems: collectProblems([listFile]) };
  } finally {
    await transport.close();
  }
  return { status: 'finished', report, listProblems: collectProblems([listFile]) };
}

/** What a send process found stopped had left, for the warning said at once. */
function describeStoppedWorker(worker: StoppedWorker): string {
  const who = `a send process that stopped (pid ${worker.pid} on ${worker.host})`;
  const untried =
    worker.untried > 0
      ? `${worker.untried} recipient${worker.untried === 1 ? '' : 's'} it had claimed and not tried are sent now`
      : '';
  if (worker.inDoubt === 0) return `note: ${who} left ${untried || 'nothing unfinished'}`;
  return `warning: ${worker.inDoubt} recipient${worker.inDoubt === 1 ? ' was' : 's were'} being sent to by ${who}; they are sent again now and may get this edition twice${untried ? `; ${untried}` : ''}`;
}
