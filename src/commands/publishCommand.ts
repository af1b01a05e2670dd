import path from 'node:path';
import type { CommandContext } from '../cli/CommandContext.js';
import { databaseUrlAsUsage } from '../cli/databaseUrlAsUsage.js';
import type { Io } from '../cli/Io.js';
import { type ProgressReporter, progressReporter } from '../deliver/progressReporter.js';
import { formatProblem } from '../diagnostics/formatProblem.js';
import { describeDelivery, describeDeliveryEvent } from '../usecases/describeDelivery.js';
import type { OutputLine } from '../usecases/OutputLine.js';
import {
  type PublishEvent,
  type PublishResult,
  publishPending,
} from '../usecases/publishPending.js';

export interface PublishCommandOptions {
  root: string;
  io: Io;
  /** Stops the send as SIGINT or SIGTERM would (the CLI passes `io.signal`). */
  signal?: AbortSignal;
}

/**
 * `storyline publish`: check, build, send and archive (`publishPending`),
 * printing each step as it happens. Returns the exit code.
 */
export async function publish(options: PublishCommandOptions): Promise<number> {
  const { io } = options;
  const print = (lines: readonly OutputLine[]) => {
    for (const line of lines) io[line.stream].write(`${line.text}\n`);
  };
  const problem = (p: Parameters<typeof formatProblem>[0]) =>
    io.stderr.write(`${formatProblem(p, io.cwd)}\n`);
  let progress: ProgressReporter | undefined;
  const onEvent = (event: PublishEvent) => {
    switch (event.type) {
      case 'checked':
      case 'rechecked':
        for (const p of event.problems) problem(p);
        return;
      case 'edition':
        io.stdout.write(`Publishing ${event.editionId}: ${event.subject}\n`);
        return;
      case 'built':
        io.stdout.write(
          `Built ${path.relative(io.cwd, event.built.dir) || '.'}/ (HTML ${(event.built.sizes.html / 1024).toFixed(1)} KB)\n`,
        );
        return;
      case 'start':
        progress = progressReporter(io.stderr);
        print(describeDeliveryEvent(event, io.cwd));
        return;
      case 'progress':
        progress?.update(event.progress);
        return;
      case 'warning':
        print(describeDeliveryEvent(event, io.cwd));
        return;
      case 'delivered': {
        progress?.finish();
        progress = undefined;
        print(describeDelivery(event.edition.delivery, io.cwd).lines);
        const { outbox } = event.edition;
        if (outbox)
          io.stdout.write(
            `Outbox: ${path.relative(io.cwd, outbox.dir)}/ holds ${outbox.count} message${outbox.count === 1 ? '' : 's'} (.eml files; set SMTP_URL to mail them for real)\n`,
          );
        return;
      }
    }
  };
  let result: PublishResult;
  try {
    result = await publishPending({
      root: options.root,
      env: io.env,
      now: io.now,
      signal: options.signal ?? io.signal,
      onEvent,
    });
  } finally {
    progress?.finish();
  }
  switch (result.status) {
    case 'check-failed':
      io.stderr.write(`${result.summary}\nNothing was sent or archived.\n`);
      return 1;
    case 'refused':
      io.stderr.write(`${result.message}\nNothing was sent or archived.\n`);
      return 1;
    case 'published': {
      if (result.editions.length === 0)
        io.stdout.write('Nothing pending: every update has been mailed.\n');
      const { archive } = result;
      if (!archive) return 1;
      for (const p of archive.problems) problem(p);
      const archiveRel = path.relative(io.cwd, archive.dir) || 'archive';
      if (archive.written.length > 0) {
        io.stdout.write(`Archive: ${archiveRel}/ updated: ${archive.written.join(', ')}\n`);
        io.stdout.write(`Open ${path.join(archiveRel, 'index.html')} for the living story page.\n`);
      } else {
        io.stdout.write(`Archive: ${archiveRel}/ unchanged\n`);
      }
      return result.ok ? 0 : 1;
    }
  }
}

export async function run({ values, io }: CommandContext): Promise<number> {
  const root = path.resolve(io.cwd, typeof values.root === 'string' ? values.root : '.');
  return databaseUrlAsUsage(publish({ root, io }));
}
