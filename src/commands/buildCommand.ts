import { realpathSync } from 'node:fs';
import path from 'node:path';
import type { CommandContext } from '../cli/CommandContext.js';
import { UsageError } from '../cli/UsageError.js';
import { formatProblem } from '../diagnostics/formatProblem.js';
import { buildEditions } from '../usecases/buildEditions.js';

export async function run({ values, io }: CommandContext): Promise<number> {
  const root = path.resolve(io.cwd, typeof values.root === 'string' ? values.root : '.');
  const out = path.resolve(
    io.cwd,
    typeof values.out === 'string' ? values.out : path.join(root, 'out'),
  );
  for (const folder of ['updates', 'archive']) {
    if (isInside(realPath(out), realPath(path.join(root, folder))))
      throw new UsageError(
        `--out must not be inside ${folder}/, which storyline reads as ${folder === 'updates' ? 'content' : 'the ledger'}; build into a folder of its own, such as out/`,
      );
  }
  const edition = typeof values.edition === 'string' ? values.edition : 'pending';
  if (!edition.trim()) throw new UsageError('--edition takes pending, all or an update id');
  const result = await buildEditions({
    root,
    out,
    edition,
    strict: values.strict === true,
    now: io.now(),
  });
  for (const problem of result.problems) io.stderr.write(`${formatProblem(problem, io.cwd)}\n`);
  switch (result.status) {
    case 'failed': {
      const errors = result.problems.filter((p) => p.fatal).length;
      io.stderr.write(`${errors} error${errors === 1 ? '' : 's'}: nothing was written\n`);
      return 1;
    }
    case 'nothing-pending':
      io.stdout.write(
        'Nothing to send: every update has been mailed. Build an earlier edition with --edition all or --edition <update-id>.\n',
      );
      return 0;
    case 'unknown-edition':
      throw new UsageError(
        `no edition \`${edition}\`; expected pending, all, or one of: ${result.known.join(', ') || '(no updates yet)'}`,
      );
    case 'built':
      for (const built of result.editions) {
        io.stdout.write(
          `${path.relative(io.cwd, built.dir) || '.'}/  ${built.subject}  (HTML ${(built.sizes.html / 1024).toFixed(1)} KB, text ${(built.sizes.text / 1024).toFixed(1)} KB)\n`,
        );
      }
      io.stdout.write(
        `Built ${result.editions.length} edition${result.editions.length === 1 ? '' : 's'} in ${path.relative(io.cwd, out) || '.'}\n`,
      );
      return 0;
  }
}

/** `target` is `folder` or somewhere below it. */
function isInside(target: string, folder: string): boolean {
  const relative = path.relative(folder, target);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * A path with symlinks resolved as far as it exists (the rest as written),
 * so a link to `archive/` is caught before anything is created through it.
 */
function realPath(target: string): string {
  let existing = target;
  const rest: string[] = [];
  while (true) {
    try {
      return path.join(realpathSync(existing), ...rest.reverse());
    } catch {
      const parent = path.dirname(existing);
      if (parent === existing) return target;
      rest.push(path.basename(existing));
      existing = parent;
    }
  }
}
