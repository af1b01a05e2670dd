import type { VFile } from 'vfile';
import type { Edition } from '../edition/Edition.js';
import { type ClientSupportCounts, checkClientSupport } from '../render/checkClientSupport.js';
import { lintEdition } from '../render/lintEdition.js';
import type { TemplateResult } from '../render/loadTemplate.js';
import type { Rendered } from '../render/Rendered.js';
import { renderEdition } from '../render/renderEdition.js';
import type { Project } from './loadProject.js';

export interface ProjectRender {
  rendered: Rendered | undefined;
  /** Template errors, or the edition's lint warnings. */
  files: VFile[];
  /** The client compatibility check's counts, when the edition rendered. */
  clientSupport?: ClientSupportCounts;
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
  const support = await checkClientSupport(
    result.rendered.html,
    template.files,
    template.template.path,
    project.config.clients,
  );
  files.push(...support.files);
  return { rendered: result.rendered, files, clientSupport: support.counts };
}
