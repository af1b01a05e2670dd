import path from 'node:path';
import { VFile } from 'vfile';
import type { CommandContext } from '../cli/CommandContext.js';
import type { Io } from '../cli/Io.js';
import { UsageError } from '../cli/UsageError.js';
import { parseShard } from '../deliver/parseShard.js';
import { formatDuration, progressReporter } from '../deliver/progressReporter.js';
import { RecipientQueue } from '../deliver/recipientQueue.js';
import { secretFromEnv } from '../deliver/secret.js';
import { type SendReport, sendEdition, UnusableListError } from '../deliver/sendEdition.js';
import { sendTestCopy } from '../deliver/sendTestCopy.js';
import { resolveSubscriberSource, type SubscriberSource } from '../deliver/subscriberSource.js';
import { describeSmtpUrl, parseSmtpUrl } from '../deliver/transports/smtpTransport.js';
import { outboxDir, transportFromEnv } from '../deliver/transports/transportFromEnv.js';
import { createUnsubscribeToken } from '../deliver/unsubscribeToken.js';
import { collectProblems } from '../diagnostics/collectProblems.js';
import { formatProblem } from '../diagnostics/formatProblem.js';
import { planEditionById, planPendingEdition } from '../edition/planEdition.js';
import { journalPath, type Shard } from '../ledger/archivePaths.js';
import { Journal } from '../ledger/Journal.js';
import { secretId } from '../ledger/secretId.js';
import { sendWritePaths } from '../ledger/sendWritePaths.js';
import { readSuppressions } from '../ledger/suppressions.js';
import { loadProject, type Project } from '../project/loadProject.js';
import { renderForProject } from '../project/renderForProject.js';
import { loadTemplate } from '../render/loadTemplate.js';
import type { Rendered } from '../render/Rendered.js';
import { addressProblem } from '../util/addressProblem.js';
import { refusedWrite } from '../util/assertWritableInsideRoot.js';
import { isLoopback } from '../util/isLoopback.js';

export interface SendCommandOptions {
  root: string;
  io: Io;
  to?: string | undefined;
  dryRun?: boolean;
  shard?: Shard | undefined;
  subscribers?: string | undefined;
  /** Stops the send as SIGINT or SIGTERM would. */
  signal?: AbortSignal;
}

/**
 * `storyline send`: mail the pending edition to every subscriber (or a test
 * copy to one address, or count it with `--dry-run`). Returns the exit code:
 * 0 when every recipient has a final outcome and none is deferred.
 */
export async function send(options: SendCommandOptions): Promise<number> {
  const { io } = options;
  const out = (line: string) => io.stdout.write(`${line}\n`);
  const err = (line: string) => io.stderr.write(`${line}\n`);
  const project = await loadProject(options.root, io.now());
  const template = await loadTemplate(project.root, project.config);
  const problems = collectProblems([...project.files, ...template.files]);
  for (const problem of problems) err(formatProblem(problem, io.cwd));
  if (!project.story || problems.some((p) => p.fatal)) {
    err('Nothing was sent: fix the problems above (storyline check lists them)');
    return 1;
  }
  const { story, config, sent, inProgress } = project;
  const pending = planPendingEdition(story, sent, config, inProgress);
  const newest = story.updates.findLast((u) => !u.draft);
  const edition =
    pending ?? (options.to && newest ? planEditionById(story, newest.id, sent, config) : undefined);
  if (!edition) {
    out(
      options.to
        ? 'Nothing to send a test of: the story has no updates yet (`storyline new <headline>` writes one).'
        : 'Nothing to send: every update has been mailed.',
    );
    return 0;
  }
  const render = await renderForProject(project, edition, template);
  for (const problem of collectProblems(render.files)) err(formatProblem(problem, io.cwd));
  if (!render.rendered || collectProblems(render.files).some((p) => p.fatal)) {
    err('Nothing was sent: fix the problems above (storyline check lists them)');
    return 1;
  }
  const { secret, warning } = secretFromEnv(io.env);
  if (warning) err(`warning: ${warning}`);

  if (options.to) return sendTest(project, render.rendered, options.to, secret, io);
  if (options.dryRun) return dryRun(project, render.rendered, secret, options);

  return deliver(project, render.rendered, secret, options);
}

/**
 * Mail a rendered edition to the subscriber list: the part of `storyline
 * send` after loading and rendering, shared with `storyline publish`.
 */
export async function deliver(
  project: Project,
  rendered: Rendered,
  secret: string,
  options: SendCommandOptions,
): Promise<number> {
  const { io } = options;
  const { config } = project;
  const { edition } = rendered;
  const out = (line: string) => io.stdout.write(`${line}\n`);
  const err = (line: string) => io.stderr.write(`${line}\n`);
  const source = await resolveSubscriberSource({
    root: project.root,
    flag: options.subscribers,
    env: io.env,
  });
  const refusal = await refusalToSend(project, source, secret, io, edition.id, options.shard);
  if (refusal) {
    err(`Nothing was sent: ${refusal}`);
    return 1;
  }
  const listFile = new VFile({ path: source.path });
  const transport = transportFromEnv(io.env, project.root, edition.id);
  const controller = new AbortController();
  const stop = (signal: string) => {
    if (controller.signal.aborted) {
      // A second Ctrl-C means now: the journal already holds every outcome
      // written so far, and `sending` lines tell the next run what was in flight.
      if (signal !== 'stopped') {
        err(
          `\n${signal} again: stopping at once; the next \`storyline send\` resumes and says what may have gone twice`,
        );
        process.exit(130);
      }
      return;
    }
    err(
      `\n${signal}: taking no new recipients; finishing the messages in flight (Ctrl-C again to stop at once)…`,
    );
    controller.abort();
  };
  const onInt = () => stop('SIGINT');
  const onTerm = () => stop('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  options.signal?.addEventListener('abort', () => stop('stopped'), { once: true });
  out(
    `Sending ${edition.id} ("${edition.subject}") via ${transport.description}${options.shard ? `, shard ${options.shard.index}/${options.shard.count}` : ''}`,
  );
  out(`Subscribers: ${path.relative(io.cwd, source.path) || source.path}`);
  const progress = progressReporter(io.stderr);
  let report: SendReport;
  try {
    report = await sendEdition({
      root: project.root,
      rendered: rendered,
      config,
      transport,
      subscribersPath: source.path,
      listFile,
      secret,
      shard: options.shard,
      signal: controller.signal,
      now: io.now,
      onProgress: (p) => progress.update(p),
      // Printed before sending: a run killed in turn never reaches its summary.
      onPossibleDuplicates: (count) =>
        err(
          `warning: ${count} recipient${count === 1 ? ' was' : 's were'} being sent to when the last run stopped; they are sent again now and may get this edition twice`,
        ),
      onUnreadableJournal: (lines, problems) => {
        for (const problem of problems) err(`${problem}; this line is skipped`);
        err(
          `warning: ${lines} line${lines === 1 ? '' : 's'} of the delivery journal could not be read; those recipients are sent again and may get this edition twice`,
        );
      },
    });
  } catch (error) {
    if (!(error instanceof UnusableListError)) throw error;
    for (const problem of collectProblems([listFile])) err(formatProblem(problem, io.cwd));
    err('Nothing was sent: fix the subscriber list above');
    return 1;
  } finally {
    progress.finish();
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
    await transport.close();
  }
  for (const problem of collectProblems([listFile])) err(formatProblem(problem, io.cwd));
  printSummary(report, io);
  if (report.stopped) {
    // An interruption only needs a rerun; a refusal (credentials, TLS, an
    // unreachable relay) needs its cause fixed first.
    const advice = report.stopped === 'interrupted' ? '' : 'fix the cause above, then ';
    err(
      `Stopped (${report.stopped}) with ${report.counts.deferred} recipients to go: ${advice}resume with \`storyline send\``,
    );
    return 1;
  }
  if (report.counts.deferred > 0) {
    const last = report.lastFailure ? ` (last: ${report.lastFailure})` : '';
    err(
      `${report.counts.deferred} deferred after temporary failures${last}: run \`storyline send\` again to retry them`,
    );
    return 1;
  }
  if (!report.editionComplete)
    out('This shard is complete; the edition is complete when every shard is.');
  return 0;
}

/**
 * Why a send of this project to this list must not start, or undefined:
 * shared by a real send and `--dry-run`, so a dry run that passes means a
 * send would start. Prints the suppression list's warnings.
 */
async function refusalToSend(
  project: Project,
  source: SubscriberSource,
  secret: string,
  io: Io,
  editionId: string,
  shard: Shard | undefined,
): Promise<string | undefined> {
  const { config } = project;
  const relay = io.env.SMTP_URL?.trim();
  if (relay && !config.unsubscribe.url && !config.unsubscribe.mailto) {
    return 'storyline.config.json has neither `unsubscribe.url` nor `unsubscribe.mailto`, expected at least one; every message must offer a way to unsubscribe (List-Unsubscribe), and Gmail and Yahoo reject bulk mail without it';
  }
  if (source.origin === 'example' && relay && !isLoopback(parseSmtpUrl(relay).hostname)) {
    return `refusing to mail the example list ${path.basename(source.path)} through ${describeSmtpUrl(relay)}; give the real list with --subscribers, STORYLINE_SUBSCRIBERS (in CI, the SUBSCRIBERS_CSV secret) or subscribers.csv`;
  }
  // Before anything is read or sent: a write refused half-way through would
  // leave recipients mailed and not journaled.
  const refused = await refusedWrite(project.root, [
    ...sendWritePaths(project.root, editionId, shard),
    ...(relay ? [] : [path.join(outboxDir(project.root), editionId)]),
  ]);
  if (refused) return refused.message;
  const suppressions = await readSuppressions(project.root, secret);
  for (const line of suppressions.warnings) io.stderr.write(`${line}\n`);
  if (suppressions.warnings.some((w) => w.includes('another STORYLINE_SECRET'))) {
    return 'some unsubscribes were recorded with another STORYLINE_SECRET and would not be honoured';
  }
  return undefined;
}

async function sendTest(
  project: Project,
  rendered: Rendered,
  to: string,
  secret: string,
  io: Io,
): Promise<number> {
  if (addressProblem(to)) throw new UsageError(`--to takes one address such as you@example.org`);
  const refused = io.env.SMTP_URL?.trim()
    ? undefined
    : await refusedWrite(project.root, [path.join(outboxDir(project.root), 'test')]);
  if (refused) {
    io.stderr.write(`Nothing was sent: ${refused.message}
`);
    return 1;
  }
  const transport = transportFromEnv(io.env, project.root, 'test');
  try {
    await sendTestCopy({
      rendered,
      to,
      config: project.config,
      transport,
      token: createUnsubscribeToken(to, secret),
      now: io.now(),
    });
  } finally {
    await transport.close();
  }
  io.stdout.write(
    `Sent a test copy of ${rendered.edition.id} to ${to} via ${transport.description} (not recorded as a delivery)\n`,
  );
  return 0;
}

async function dryRun(
  project: Project,
  rendered: Rendered,
  secret: string,
  options: SendCommandOptions,
): Promise<number> {
  const { io } = options;
  const source = await resolveSubscriberSource({
    root: project.root,
    flag: options.subscribers,
    env: io.env,
  });
  const refusal = await refusalToSend(
    project,
    source,
    secret,
    io,
    rendered.edition.id,
    options.shard,
  );
  if (refusal) {
    io.stderr.write(`Dry run: a send would refuse to start: ${refusal}\n`);
    return 1;
  }
  // The transport a send would use, made and closed (it connects only to
  // send): SMTP_URL and the DKIM key fail here as they would there.
  await transportFromEnv(io.env, project.root, rendered.edition.id).close();
  const listFile = new VFile({ path: source.path });
  const { hashes: suppressed } = await readSuppressions(project.root, secret);
  const journal = Journal.peek(
    journalPath(project.root, rendered.edition.id, options.shard),
    secretId(secret),
  );
  // The queue a send takes its recipients from, read without sending: the
  // count is what a send would mail.
  const queue = await RecipientQueue.open({
    subscribersPath: source.path,
    listFile,
    secret,
    shard: options.shard,
    isSuppressed: (hash) => suppressed.has(hash),
    lastEntry: (hash) => journal.get(hash),
  });
  let toSend = 0;
  while (await queue.next()) toSend++;
  const { total, skipped: done, suppressed: skipSuppressed } = queue;
  for (const problem of collectProblems([listFile]))
    io.stderr.write(`${formatProblem(problem, io.cwd)}\n`);
  io.stdout.write(
    `Dry run: ${rendered.edition.id} ("${rendered.subject}", ${(Buffer.byteLength(rendered.html) / 1024).toFixed(1)} KB HTML) would go to ${toSend} of ${total} subscribers in ${path.relative(io.cwd, source.path) || source.path} (${done} already done, ${skipSuppressed} suppressed). Nothing was sent or written.\n`,
  );
  return listFile.messages.some((m) => m.fatal) ? 1 : 0;
}

function printSummary(report: SendReport, io: Io): void {
  const seconds = report.durationMs / 1000;
  const rows: [string, string][] = [
    ['sent', String(report.counts.sent)],
    ['failed', String(report.counts.failed)],
    ['suppressed', String(report.counts.suppressed)],
    ['deferred', String(report.counts.deferred)],
    ['this run', `${report.sentNow} sent, ${report.skipped} already done`],
    ['duration', formatDuration(report.durationMs)],
    ['rate', `${(seconds > 0 ? report.sentNow / seconds : 0).toFixed(1)} messages/s`],
  ];
  io.stdout.write(`\n${report.editionId}: ${report.total} recipients\n`);
  for (const [label, value] of rows) io.stdout.write(`  ${label.padEnd(11)}${value}\n`);
  io.stdout.write(`  journal    ${path.relative(io.cwd, report.journal)}\n`);
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
  return send({
    root,
    io,
    to: typeof values.to === 'string' ? values.to : undefined,
    dryRun: values['dry-run'] === true,
    shard,
    subscribers:
      typeof values.subscribers === 'string' ? path.resolve(io.cwd, values.subscribers) : undefined,
  });
}
