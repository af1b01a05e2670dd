import path from 'node:path';
import type { VFile } from 'vfile';
import type { VFileMessage } from 'vfile-message';
import type { ContentCache } from '../content/ContentCache.js';
import { collectProblems } from '../diagnostics/collectProblems.js';
import { loadProject, type Project } from '../project/loadProject.js';
import { renderForProject } from '../project/renderForProject.js';
import type { ClientSupportCounts } from '../render/checkClientSupport.js';
import { loadTemplate, type TemplateResult } from '../render/loadTemplate.js';
import type { Rendered } from '../render/Rendered.js';
import { chooseEdition } from './chooseEdition.js';

export interface CheckOptions {
  root: string;
  now: Date;
  /** Treat lint warnings as errors. */
  strict?: boolean;
  /** Content parsed by an earlier check of the same root, reused where unchanged. */
  cache?: ContentCache | undefined;
}

export interface CheckResult {
  project: Project;
  template: TemplateResult;
  /** The pending edition, rendered, when there is one and nothing stopped it. */
  pending: Rendered | undefined;
  /** The client compatibility check of the rendered edition: found, filtered, reported. */
  clientSupport: ClientSupportCounts | undefined;
  /** Errors and warnings, ordered by file and position. */
  problems: VFileMessage[];
  ok: boolean;
  /** One line for a person: title, updates, pending, drafts. */
  summary: string;
}

/**
 * Validate content, config and templates, then render the pending edition
 * (or, with nothing pending, the newest one, to prove the template) and lint
 * it. Reads files, writes nothing.
 */
export async function checkProject(options: CheckOptions): Promise<CheckResult> {
  const project = await loadProject(options.root, options.now, { cache: options.cache });
  const template = await loadTemplate(project.root, project.config);
  const files: VFile[] = [...project.files, ...template.files];
  let pending: Rendered | undefined;
  let clientSupport: ClientSupportCounts | undefined;
  const { story } = project;
  if (story && template.template && !collectProblems(files).some((p) => p.fatal)) {
    const chosen = chooseEdition(project, { otherwise: 'newest' });
    if (chosen) {
      const result = await renderForProject(project, chosen.edition, template);
      files.push(...result.files);
      clientSupport = result.clientSupport;
      if (chosen.pending) pending = result.rendered;
    }
  }
  const problems = collectProblems(files);
  if (options.strict) for (const problem of problems) problem.fatal = true;
  const errors = problems.filter((p) => p.fatal).length;
  const warnings = problems.length - errors;
  let summary: string;
  if (errors > 0 || !story) {
    summary = `${plural(errors, 'error')}${warnings ? `, ${plural(warnings, 'warning')}` : ''}: nothing can be sent until they are fixed`;
  } else {
    const drafts = story.updates.filter((u) => u.draft);
    const pending = story.updates.filter((u) => !u.draft && !project.sent.has(u.id));
    summary = `${story.base.title}: ${plural(story.updates.length, 'update')}, ${pending.length} pending, ${plural(drafts.length, 'draft')}${warnings ? `, ${plural(warnings, 'warning')}` : ''}`;
    if (drafts.length > 0) {
      const names = drafts.map((d) => path.relative(project.root, d.path)).join(', ');
      summary += `\nDrafts are never sent; remove \`draft: true\` when ready: ${names}`;
    }
  }
  const ok = errors === 0 && story !== undefined;
  return {
    project,
    template,
    pending: ok ? pending : undefined,
    clientSupport,
    problems,
    ok,
    summary,
  };
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
