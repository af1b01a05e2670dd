import path from 'node:path';
import type { CommandContext } from '../cli/CommandContext.js';
import { databaseUrlAsUsage } from '../cli/databaseUrlAsUsage.js';
import { formatProblem } from '../diagnostics/formatProblem.js';
import { formatUpdateLabel } from '../render/formatUpdateLabel.js';
import { storyStatus } from '../usecases/storyStatus.js';

/** `storyline status`: pending updates, the editions sent with their counts, and what to do next. */
export async function run({ values, io }: CommandContext): Promise<number> {
  const root = path.resolve(io.cwd, typeof values.root === 'string' ? values.root : '.');
  const out = (line = '') => io.stdout.write(`${line}\n`);
  const status = await databaseUrlAsUsage(storyStatus(root, io.now(), io.env));
  for (const problem of status.problems) io.stderr.write(`${formatProblem(problem, io.cwd)}\n`);
  if (status.status === 'no-story') {
    out('No story: run `storyline check` to see why.');
    return 1;
  }
  const { config, pending, drafts, editions, next } = status;
  const total = status.updates;
  out(status.title);
  out(
    `${total} update${total === 1 ? '' : 's'}: ${total - pending.length - drafts.length} mailed, ${pending.length} pending, ${drafts.length} draft${drafts.length === 1 ? '' : 's'}`,
  );
  if (pending.length > 0) {
    out();
    out('Pending:');
    for (const update of pending)
      out(
        `  ${update.id}  ${formatUpdateLabel(update, config)} ${update.headline ?? ''}`.trimEnd(),
      );
  }
  if (drafts.length > 0) {
    out();
    out('Drafts (never sent until `draft: true` is removed):');
    for (const update of drafts) out(`  ${path.relative(io.cwd, update.path)}`);
  }
  out();
  if (editions.length === 0) {
    out('Editions: none sent yet.');
  } else {
    out('Editions:');
    const share = (n: number, rate: number) => (n === 0 ? '0' : `${n} (${percent(rate)})`);
    const rows = editions.map((e) => {
      const bounced = status.bounces.get(e.id);
      return [
        e.id,
        e.complete ? 'complete' : 'in progress',
        String(e.counts.sent),
        String(e.counts.failed),
        String(e.counts.suppressed),
        String(e.counts.deferred),
        share(bounced?.counts.hard ?? 0, bounced?.rates.hard ?? 0),
        share(bounced?.counts.soft ?? 0, bounced?.rates.soft ?? 0),
        share(bounced?.counts.complaint ?? 0, bounced?.rates.complaint ?? 0),
      ];
    });
    const header = [
      'edition',
      'state',
      'sent',
      'failed',
      'suppressed',
      'deferred',
      'hard',
      'soft',
      'complaints',
    ];
    const widths = header.map((h, i) =>
      Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)),
    );
    const line = (cells: string[]) =>
      `  ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ')}`;
    out(line(header));
    for (const row of rows) out(line(row));
  }
  for (const warning of status.warnings) {
    out();
    out(
      warning.kind === 'complaint'
        ? `Warning: ${warning.editionId} has a complaint rate of ${percent(warning.rate)}, above ${percent(warning.limit)}; mailbox providers start filtering such senders (Gmail asks bulk senders to stay under 0.3%). Check that everyone on the list asked for this story.`
        : `Warning: ${warning.editionId} has a hard-bounce rate of ${percent(warning.rate)}, above ${percent(warning.limit)}; the list holds many dead addresses. Bounced addresses are suppressed; check where the others came from.`,
    );
  }
  if (status.subscribers) {
    out();
    const counts = Object.entries(status.subscribers).map(([state, n]) => `${n} ${state}`);
    out(`Subscribers: ${counts.join(', ')}`);
  }
  out();
  switch (next.kind) {
    case 'fix-problems':
      out('Next: fix the problems above (`storyline check` lists them all).');
      return 1;
    case 'resume':
      out(
        next.shards > 1
          ? `Next: ${next.editionId} is being sent in ${next.shards} shards; run \`storyline send --shard i/${next.shards}\` for each shard not yet complete.`
          : next.senders
            ? `Next: ${next.editionId} is being sent by ${next.senders} send process${next.senders === 1 ? '' : 'es'} now (${next.deferred} still to go); another \`storyline send\` joins them.`
            : `Next: \`storyline send\` resumes ${next.editionId}, which stopped part-way (${next.deferred} still to go).`,
      );
      return 0;
    case 'preview-and-publish':
      out(
        `Next: \`storyline preview\` to look at ${next.editionId}, then \`storyline publish\` (or merge to main) to mail it.`,
      );
      return 0;
    case 'nothing-to-send':
      out('Next: nothing to send. `storyline new <headline>` starts the next update.');
      return 0;
  }
}

/** A rate as a percentage, to two decimals below 1% (0.1% matters for complaints). */
function percent(rate: number): string {
  const value = rate * 100;
  return `${value < 1 ? value.toFixed(2) : value.toFixed(1)}%`;
}
