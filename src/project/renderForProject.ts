import type { VFile } from 'vfile';
import type { Edition } from '../edition/Edition.js';
import { lintEdition } from '../render/lintEdition.js';
import type { TemplateResult } from '../render/loadTemplate.js';
import type { Rendered } from '../render/Rendered.js';
import { renderEdition } from '../render/renderEdition.js';
import type { Project } from './loadProject.js';

export interface ProjectRender {
  rendered: Rendered | undefined;
  /** Template errors, or the edition's lint warnings. */
  files: VFile[];
}

/** Render an edition of a loaded project with its template, and lint the result. */
export async function renderForProject(
  project: Project,
  edition: Edition,
  template: TemplateResult,
): Promise<ProjectRender> {
  if (!template.template) return { rendered: undefined, files: [] };
  const result = await renderEdition(edition, template.template, project.config);
  if (!result.ok) return { rendered: undefined, files: result.files };
  const files = lintEdition(result.rendered, {
    root: project.root,
    config: project.config,
    templateFiles: template.files,
  });
  return { rendered: result.rendered, files };
}
