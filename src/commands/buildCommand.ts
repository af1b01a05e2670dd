import { realpathSync } from 'node:fs';
import path from 'node:path';
import type { VFile } from 'vfile';
import type { VFileMessage } from 'vfile-message';
import type { CommandContext } from '../cli/CommandContext.js';
import { UsageError } from '../cli/UsageError.js';
import type { Config } from '../config/configSchema.js';
import { previewCopy } from '../deliver/previewCopy.js';
import { collectProblems, hasErrors } from '../diagnostics/collectProblems.js';
import { formatProblem } from '../diagnostics/formatProblem.js';
import type { Edition } from '../edition/Edition.js';
import { planAllEditions, planEditionById, planPendingEdition } from '../edition/planEdition.js';
import { describeEdition } from '../ledger/EditionRecord.js';
import { loadProject } from '../project/loadProject.js';
import { renderForProject } from '../project/renderForProject.js';
import { loadTemplate } from '../render/loadTemplate.js';
import type { Rendered } from '../render/Rendered.js';
import { assertWritableInsideRoot } from '../util/assertWritableInsideRoot.js';
import { writeFileAtomic } from '../util/writeFileAtomic.js';

export interface BuildOptions {
  root: string;
  /** Output folder; each edition goes in `<out>/<edition-id>/`. */
  out: string;
  /** `pending` (default), `all`, or an update id. */
  edition: string;
  /** Treat lint warnings as errors. */
  strict: boolean;
  now: Date;
}

export interface BuiltEdition {
  id: string;
  dir: string;
  subject: string;
  preheader: string;
  sizes: { html: number; text: number; mjml: number; eml: number };
}

export type BuildResult =
  | { status: 'built'; editions: BuiltEdition[]; problems: VFileMessage[] }
  | { status: 'nothing-pending'; problems: VFileMessage[] }
  | { status: 'failed'; problems: VFileMessage[] }
  | { status: 'unknown-edition'; known: string[]; problems: VFileMessage[] };

/**
 * Render editions to files: email.html, email.txt, email.mjml, message.eml
 * and edition.json per edition. Everything is rendered and checked before
 * anything is written, so a failure writes nothing.
 */
export async function build(options: BuildOptions): Promise<BuildResult> {
  const project = await loadProject(options.root, options.now);
  const template = await loadTemplate(project.root, project.config);
  const base = [...project.files, ...template.files];
  if (project.failed || !project.story || !template.template || hasErrors(base)) {
    return { status: 'failed', problems: collectProblems(base) };
  }
  const { story, config, sent } = project;

  let editions: Edition[];
  if (options.edition === 'pending') {
    const pending = planPendingEdition(story, sent, config, project.inProgress);
    if (!pending) return { status: 'nothing-pending', problems: collectProblems(base) };
    editions = [pending];
  } else if (options.edition === 'all') {
    editions = planAllEditions(story, config);
    if (editions.length === 0)
      return { status: 'nothing-pending', problems: collectProblems(base) };
  } else {
    const edition = planEditionById(story, options.edition, sent, config, project.inProgress);
    if (!edition) {
      return {
        status: 'unknown-edition',
        known: story.updates.map((u) => u.id),
        problems: collectProblems(base),
      };
    }
    editions = [edition];
  }

  const rendered: Rendered[] = [];
  const lintFiles: VFile[] = [];
  for (const edition of editions) {
    const result = await renderForProject(project, edition, template);
    lintFiles.push(...result.files);
    if (result.rendered) rendered.push(result.rendered);
  }
  if (options.strict)
    for (const file of lintFiles) for (const message of file.messages) message.fatal = true;
  const problems = dedupe(collectProblems([...base, ...lintFiles]));
  if (rendered.length < editions.length || problems.some((p) => p.fatal))
    return { status: 'failed', problems };

  const built: BuiltEdition[] = [];
  for (const item of rendered)
    built.push(
      await writeEditionFiles(item, options.out, project.config, options.now, project.root),
    );
  return { status: 'built', editions: built, problems };
}

/**
 * Write one rendered edition's build files into `<out>/<edition-id>/`,
 * never through a link out of the content `root` when `out` is inside it.
 */
export async function writeEditionFiles(
  rendered: Rendered,
  out: string,
  config: Config,
  now: Date,
  root: string,
): Promise<BuiltEdition> {
  const { edition } = rendered;
  const dir = path.join(out, edition.id);
  const message = previewCopy(rendered, config, now);
  const { eml } = message;
  const sizes = {
    html: Buffer.byteLength(message.html),
    text: Buffer.byteLength(message.text),
    mjml: Buffer.byteLength(rendered.mjml),
    eml: eml.length,
  };
  const summary = { ...describeEdition(edition), sizes };
  const names = ['email.html', 'email.txt', 'email.mjml', 'message.eml', 'edition.json'];
  for (const name of names) await assertWritableInsideRoot(root, path.join(dir, name));
  await writeFileAtomic(path.join(dir, 'email.html'), message.html);
  await writeFileAtomic(path.join(dir, 'email.txt'), message.text);
  await writeFileAtomic(path.join(dir, 'email.mjml'), rendered.mjml);
  await writeFileAtomic(path.join(dir, 'message.eml'), eml);
  await writeFileAtomic(path.join(dir, 'edition.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return { id: edition.id, dir, subject: edition.subject, preheader: edition.preheader, sizes };
}

/** The same template warning is found once per edition; say it once. */
function dedupe(problems: VFileMessage[]): VFileMessage[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.file}:${p.line}:${p.column}:${p.reason}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

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
  const result = await build({ root, out, edition, strict: values.strict === true, now: io.now() });
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
