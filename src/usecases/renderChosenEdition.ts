import type { VFileMessage } from 'vfile-message';
import { collectProblems } from '../diagnostics/collectProblems.js';
import { loadProject, type Project } from '../project/loadProject.js';
import { renderForProject } from '../project/renderForProject.js';
import { loadTemplate } from '../render/loadTemplate.js';
import type { Rendered } from '../render/Rendered.js';
import { type ChooseEditionOptions, chooseEdition } from './chooseEdition.js';

export type ChosenRender =
  /** Content, config, template or the rendered edition has errors: nothing may be sent. */
  | { status: 'failed'; problems: VFileMessage[] }
  | { status: 'nothing-to-send'; problems: VFileMessage[] }
  | { status: 'rendered'; project: Project; rendered: Rendered; problems: VFileMessage[] };

/**
 * Load a content root, choose its edition (`chooseEdition`) and render it
 * with the project's template: what `send` does before it mails anything.
 */
export async function renderChosenEdition(
  root: string,
  now: Date,
  choice: ChooseEditionOptions,
): Promise<ChosenRender> {
  const project = await loadProject(root, now);
  const template = await loadTemplate(project.root, project.config);
  const problems = collectProblems([...project.files, ...template.files]);
  if (!project.story || problems.some((p) => p.fatal)) return { status: 'failed', problems };
  const chosen = chooseEdition(project, choice);
  if (!chosen) return { status: 'nothing-to-send', problems };
  const render = await renderForProject(project, chosen.edition, template);
  const renderProblems = collectProblems(render.files);
  const all = [...problems, ...renderProblems];
  if (!render.rendered || renderProblems.some((p) => p.fatal))
    return { status: 'failed', problems: all };
  return { status: 'rendered', project, rendered: render.rendered, problems: all };
}
