import path from 'node:path';
import { formatDuration } from '../deliver/progressReporter.js';
import { formatProblem } from '../diagnostics/formatProblem.js';
import type { DeliveryEvent, DeliveryResult } from './deliverEdition.js';
import { err, type OutputLine, out } from './OutputLine.js';

/** A delivery event as lines (progress is drawn by a progress reporter instead). */
export function describeDeliveryEvent(event: DeliveryEvent, cwd: string): OutputLine[] {
  switch (event.type) {
    case 'start':
      return [
        out(
          `Sending ${event.editionId} ("${event.subject}") via ${event.transport}${event.shard ? `, shard ${event.shard.index}/${event.shard.count}` : ''}`,
        ),
        out(
          `Subscribers: ${path.isAbsolute(event.subscribers) ? path.relative(cwd, event.subscribers) || event.subscribers : event.subscribers}`,
        ),
      ];
    case 'warning':
      return [err(event.text)];
    case 'progress':
      return [];
  }
}

/**
 * A finished delivery as lines (the list's problems, the summary table, what
 * to do next) and whether it succeeded: every recipient has a final outcome
 * and none is deferred.
 */
export function describeDelivery(
  result: DeliveryResult,
  cwd: string,
): { lines: OutputLine[]; ok: boolean } {
  if (result.status === 'refused')
    return { lines: [err(`Nothing was sent: ${result.refusal.message}`)], ok: false };
  const lines = result.listProblems.map((problem) => err(formatProblem(problem, cwd)));
  if (result.status === 'unusable-list')
    return { lines: [...lines, err('Nothing was sent: fix the subscriber list above')], ok: false };
  const { report } = result;
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
  lines.push(out(`\n${report.editionId}: ${report.total} recipients`));
  for (const [label, value] of rows) lines.push(out(`  ${label.padEnd(11)}${value}`));
  lines.push(
    out(
      path.isAbsolute(report.ledger)
        ? `  journal    ${path.relative(cwd, report.ledger)}`
        : `  ledger     ${report.ledger}`,
    ),
  );
  if (report.stopped) {
    // An interruption only needs a rerun; a refusal (credentials, TLS, an
    // unreachable relay) needs its cause fixed first.
    const advice = report.stopped === 'interrupted' ? '' : 'fix the cause above, then ';
    lines.push(
      err(
        `Stopped (${report.stopped}) with ${report.counts.deferred} recipients to go: ${advice}resume with \`storyline send\``,
      ),
    );
    return { lines, ok: false };
  }
  if (report.counts.deferred > 0) {
    const last = report.lastFailure ? ` (last: ${report.lastFailure})` : '';
    lines.push(
      err(
        `${report.counts.deferred} deferred after temporary failures${last}: run \`storyline send\` again to retry them`,
      ),
    );
    return { lines, ok: false };
  }
  const others = report.inOtherHands ?? 0;
  if (others > 0) {
    lines.push(
      out(
        `Nothing left to claim; ${others} recipient${others === 1 ? ' is' : 's are'} being sent to by other send processes, and the edition is complete when they finish.`,
      ),
    );
  } else if (!report.editionComplete)
    lines.push(out('This shard is complete; the edition is complete when every shard is.'));
  return { lines, ok: true };
}
