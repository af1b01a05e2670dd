import type { VFile } from 'vfile';
import type { VFileMessage } from 'vfile-message';
import { collectProblems, hasErrors } from '../diagnostics/collectProblems.js';
import type { Edition } from '../edition/Edition.js';
import { planAllEditions, planEditionById } from '../edition/planEdition.js';
import { loadProject } from '../project/loadProject.js';
import { renderForProject } from '../project/renderForProject.js';
import { loadTemplate } from '../render/loadTemplate.js';
import type { Rendered } from '../render/Rendered.js';
import { chooseEdition } from './chooseEdition.js';
import { type BuiltEdition, writeEditionFiles } from './writeEditionFiles.js';

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
export async function buildEditions(options: BuildOptions): Promise<BuildResult> {
  const project = await loadProject(options.root, options.now);
  const template = await loadTemplate(project.root, project.config);
  const base = [...project.files, ...template.files];
  if (project.failed || !project.story || !template.template || hasErrors(base)) {
    return { status: 'failed', problems: collectProblems(base) };
  }
  const { story, config, sent } = project;

  let editions: Edition[];
  if (options.edition === 'pending') {
    const pending = chooseEdition(project, { otherwise: 'none' });
    if (!pending) return { status: 'nothing-pending', problems: collectProblems(base) };
    editions = [pending.edition];
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
