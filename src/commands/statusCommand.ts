import path from 'node:path';
import type { CommandContext } from '../cli/CommandContext.js';
import { collectProblems } from '../diagnostics/collectProblems.js';
import { formatProblem } from '../diagnostics/formatProblem.js';
import { planPendingEdition } from '../edition/planEdition.js';
import { loadProject } from '../project/loadProject.js';
import { formatUpdateLabel } from '../render/formatUpdateLabel.js';

/** `storyline status`: pending updates, the editions sent with their counts, and what to do next. */
export async function run({ values, io }: CommandContext): Promise<number> {
  const root = path.resolve(io.cwd, typeof values.root === 'string' ? values.root : '.');
  const project = await loadProject(root, io.now());
  const out = (line = '') => io.stdout.write(`${line}\n`);
  const problems = collectProblems(project.files);
  for (const problem of problems) io.stderr.write(`${formatProblem(problem, io.cwd)}\n`);
  const { story, config, sent, inProgress, editions } = project;
  if (!story) {
    out('No story: run `storyline check` to see why.');
    return 1;
  }
  const pending = story.updates.filter((u) => !u.draft && !sent.has(u.id));
  const drafts = story.updates.filter((u) => u.draft);
  out(`${story.base.title}`);
  out(
    `${story.updates.length} update${story.updates.length === 1 ? '' : 's'}: ${story.updates.length - pending.length - drafts.length} mailed, ${pending.length} pending, ${drafts.length} draft${drafts.length === 1 ? '' : 's'}`,
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
    const rows = editions.map((e) => [
      e.id,
      e.complete ? 'complete' : 'in progress',
      String(e.counts.sent),
      String(e.counts.failed),
      String(e.counts.suppressed),
      String(e.counts.deferred),
    ]);
    const header = ['edition', 'state', 'sent', 'failed', 'suppressed', 'deferred'];
    const widths = header.map((h, i) =>
      Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)),
    );
    const line = (cells: string[]) =>
      `  ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ')}`;
    out(line(header));
    for (const row of rows) out(line(row));
  }
  out();
  const next = planPendingEdition(story, sent, config, inProgress);
  if (problems.some((p) => p.fatal))
    out('Next: fix the problems above (`storyline check` lists them all).');
  else if (inProgress)
    out(
      inProgress.shards > 1
        ? `Next: ${inProgress.id} is being sent in ${inProgress.shards} shards; run \`storyline send --shard i/${inProgress.shards}\` for each shard not yet complete.`
        : `Next: \`storyline send\` resumes ${inProgress.id}, which stopped part-way (${inProgress.counts.deferred} still to go).`,
    );
  else if (next)
    out(
      `Next: \`storyline preview\` to look at ${next.id}, then \`storyline publish\` (or merge to main) to mail it.`,
    );
  else out('Next: nothing to send. `storyline new <headline>` starts the next update.');
  return problems.some((p) => p.fatal) ? 1 : 0;
}
