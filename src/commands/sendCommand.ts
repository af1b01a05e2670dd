import path from 'node:path';
import type { CommandContext } from '../cli/CommandContext.js';
import { databaseUrlAsUsage } from '../cli/databaseUrlAsUsage.js';
import type { Io } from '../cli/Io.js';
import { keepHeapFlatAgain } from '../cli/keepHeapFlat.js';
import { UsageError } from '../cli/UsageError.js';
import { parseShard } from '../deliver/parseShard.js';
import { progressReporter } from '../deliver/progressReporter.js';
import { secretFromEnv } from '../deliver/secret.js';
import { formatProblem } from '../diagnostics/formatProblem.js';
import type { Shard } from '../ledger/archivePaths.js';
import type { DeliveryResult } from '../usecases/deliverEdition.js';
import type { OutputLine } from '../usecases/OutputLine.js';
import { renderChosenEditionApart } from '../usecases/renderChosenEditionApart.js';
import { storeFlag } from '../usecases/storeFlag.js';

export interface SendCommandOptions {
  root: string;
  io: Io;
  to?: string | undefined;
  dryRun?: boolean;
  shard?: Shard | undefined;
  subscribers?: string | undefined;
  /** Stops the send as SIGINT or SIGTERM would (the CLI passes `io.signal`). */
  signal?: AbortSignal;
}

/**
 * `storyline send`: mail the pending edition to every subscriber (or a test
 * copy to one address, or count it with `--dry-run`). Returns the exit code:
 * 0 when every recipient has a final outcome and none is deferred.
 */
export async function send(options: SendCommandOptions): Promise<number> {
  const { io } = options;
  const print = (lines: readonly OutputLine[]) => {
    for (const line of lines) io[line.stream].write(`${line.text}\n`);
  };
  // Rendered in a thread that has ended before anything is mailed, and the
  // modules that mail loaded only after it: the renderer's memory is never
  // held during a send (docs/benchmarks.md, "the floor").
  const chosen = await renderChosenEditionApart(options.root, io.now(), {
    otherwise: options.to ? 'newest' : 'none',
  });
  keepHeapFlatAgain();
  for (const problem of chosen.problems) io.stderr.write(`${formatProblem(problem, io.cwd)}\n`);
  if (chosen.status === 'failed') {
    io.stderr.write('Nothing was sent: fix the problems above (storyline check lists them)\n');
    return 1;
  }
  if (chosen.status === 'nothing-to-send') {
    io.stdout.write(
      options.to
        ? 'Nothing to send a test of: the story has no updates yet (`storyline new <headline>` writes one).\n'
        : 'Nothing to send: every update has been mailed.\n',
    );
    return 0;
  }
  const { project, rendered } = chosen;
  const { secret, warning } = secretFromEnv(io.env);
  if (warning) io.stderr.write(`warning: ${warning}\n`);

  if (options.to) {
    const { mailTestCopy } = await import('../usecases/mailTestCopy.js');
    const result = await mailTestCopy({
      project,
      rendered,
      to: options.to,
      secret,
      env: io.env,
      now: io.now(),
    });
    switch (result.status) {
      case 'invalid-address':
        throw new UsageError('--to takes one address such as you@example.org');
      case 'refused':
        io.stderr.write(`Nothing was sent: ${result.message}\n`);
        return 1;
      case 'sent':
        io.stdout.write(
          `Sent a test copy of ${result.editionId} to ${result.to} via ${result.transport} (not recorded as a delivery)\n`,
        );
        return 0;
    }
  }

  if (options.dryRun) {
    const { countDryRun } = await import('../usecases/countDryRun.js');
    const count = await countDryRun({
      project,
      rendered,
      secret,
      env: io.env,
      subscribers: options.subscribers,
      shard: options.shard,
      now: io.now(),
    });
    for (const line of count.warnings) io.stderr.write(`${line}\n`);
    if (count.status === 'refused' && count.refusal.kind === 'shard-with-deliveries-table')
      throw new UsageError(count.refusal.message);
    if (count.status === 'refused') {
      io.stderr.write(`Dry run: a send would refuse to start: ${count.refusal.message}\n`);
      return 1;
    }
    for (const problem of count.listProblems)
      io.stderr.write(`${formatProblem(problem, io.cwd)}\n`);
    io.stdout.write(
      `Dry run: ${count.editionId} ("${count.subject}", ${(count.htmlBytes / 1024).toFixed(1)} KB HTML) would go to ${count.toSend} of ${count.total} subscribers in ${shownList(count.subscribers, io.cwd)} (${count.done} already done, ${count.suppressed} suppressed). Nothing was sent or written.\n`,
    );
    return count.listProblems.some((m) => m.fatal) ? 1 : 0;
  }

  const [{ deliverEdition }, { describeDelivery, describeDeliveryEvent }] = await Promise.all([
    import('../usecases/deliverEdition.js'),
    import('../usecases/describeDelivery.js'),
  ]);
  const progress = progressReporter(io.stderr);
  let delivery: DeliveryResult;
  try {
    delivery = await deliverEdition({
      project,
      rendered,
      secret,
      env: io.env,
      now: io.now,
      subscribers: options.subscribers,
      shard: options.shard,
      signal: options.signal ?? io.signal,
      onEvent: (event) =>
        event.type === 'progress'
          ? progress.update(event.progress)
          : print(describeDeliveryEvent(event, io.cwd)),
    });
  } finally {
    progress.finish();
  }
  if (delivery.status === 'refused' && delivery.refusal.kind === 'shard-with-deliveries-table')
    throw new UsageError(delivery.refusal.message);
  const described = describeDelivery(delivery, io.cwd);
  print(described.lines);
  return described.ok ? 0 : 1;
}

/** A list's path relative to where the command runs; the store's description as it is. */
function shownList(list: string, cwd: string): string {
  return path.isAbsolute(list) ? path.relative(cwd, list) || list : list;
}

/** `--subscribers db` names the store; anything else is a CSV path, relative to where it was typed. */
function subscribersFlag(value: unknown, cwd: string): string | undefined {
  if (typeof value !== 'string') return undefined;
  return value === storeFlag ? value : path.resolve(cwd, value);
}

export async function run({ values, io }: CommandContext): Promise<number> {
  const root = path.resolve(io.cwd, typeof values.root === 'string' ? values.root : '.');
  let shard: Shard | undefined;
  if (typeof values.shard === 'string') {
    const parsed = parseShard(values.shard);
    if (parsed === undefined) {
      throw new UsageError(
        `--shard takes i/n with 1 ≤ i ≤ n, such as 2/4, not \`${values.shard}\``,
      );
    }
    shard = parsed ?? undefined;
  }
  if (values.to !== undefined && (values['dry-run'] || shard)) {
    throw new UsageError('--to sends one test copy; it does not go with --dry-run or --shard');
  }
  return databaseUrlAsUsage(
    send({
      root,
      io,
      to: typeof values.to === 'string' ? values.to : undefined,
      dryRun: values['dry-run'] === true,
      shard,
      subscribers: subscribersFlag(values.subscribers, io.cwd),
    }),
  );
}
