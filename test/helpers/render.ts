import type { VFile } from 'vfile';
import { collectProblems } from '../../src/diagnostics/collectProblems.js';
import { formatProblem } from '../../src/diagnostics/formatProblem.js';
import type { Edition } from '../../src/edition/Edition.js';
import { planPendingEdition } from '../../src/edition/planEdition.js';
import { loadProject, type Project } from '../../src/project/loadProject.js';
import { renderForProject } from '../../src/project/renderForProject.js';
import { loadTemplate, type TemplateResult } from '../../src/render/loadTemplate.js';
import type { Rendered } from '../../src/render/Rendered.js';
import { defaultNow } from './problems.js';

export interface LoadedForRender {
  project: Project;
  story: NonNullable<Project['story']>;
  template: TemplateResult;
}

/** Load a content root and its template, failing the test with the problems if either has errors. */
export async function loadForRender(
  root: string,
  now: Date = defaultNow,
): Promise<LoadedForRender> {
  const project = await loadProject(root, now);
  const template = await loadTemplate(project.root, project.config);
  const errors = collectProblems([...project.files, ...template.files]).filter((p) => p.fatal);
  if (!project.story || errors.length > 0) {
    throw new Error(
      `content did not load:\n${errors.map((p) => formatProblem(p, root)).join('\n')}`,
    );
  }
  return { project, story: project.story, template };
}

export interface RenderedEdition extends LoadedForRender {
  edition: Edition;
  rendered: Rendered;
  /** The edition's lint warnings as `path:line:col: warning: reason [rule]`. */
  lints: string[];
}

/** Render the pending edition of a content root (or `pick`'s) the way `check` and `build` do. */
export async function renderPending(
  root: string,
  options: { now?: Date; pick?: (loaded: LoadedForRender) => Edition | undefined } = {},
): Promise<RenderedEdition> {
  const loaded = await loadForRender(root, options.now);
  const { project, story } = loaded;
  const edition = options.pick
    ? options.pick(loaded)
    : planPendingEdition(story, project.sent, project.config);
  if (!edition) throw new Error('no edition to render');
  const result = await renderForProject(project, edition, loaded.template);
  if (!result.rendered) {
    throw new Error(`render failed:\n${formatted(result.files, root).join('\n')}`);
  }
  return { ...loaded, edition, rendered: result.rendered, lints: formatted(result.files, root) };
}

/** Messages of files as `path:line:col: reason [rule]`, paths relative to `root`. */
export function formatted(files: readonly VFile[], root: string): string[] {
  return collectProblems(files).map((message) => formatProblem(message, root));
}

/** `line:column` (1-based) of the first `needle` in `text`, plus `shift` characters. */
export function positionOf(text: string, needle: string, shift = 0): string {
  const index = text.indexOf(needle);
  if (index < 0) throw new Error(`\`${needle}\` is not in the text`);
  const before = text.slice(0, index + shift).split('\n');
  return `${before.length}:${(before.at(-1)?.length ?? 0) + 1}`;
}

/**
 * The words a reader sees in an HTML document: tags dropped, character
 * references decoded, whitespace collapsed. Enough to compare text, not a
 * full HTML parser.
 */
export function visibleText(html: string): string {
  const named: Record<string, string> = {
    amp: '&',
    lt: '<',
    gt: '>',
    quot: '"',
    apos: "'",
    nbsp: ' ',
  };
  return (
    html
      .replace(/<(style|head)\b[\s\S]*?<\/\1>/gi, ' ')
      // A bidi isolate sits inside a line of text: "Update <bdi>2/10/2014</bdi>:"
      // on a page, `<span dir="auto">` in an email.
      .replace(/<\/?bdi>/gi, '')
      .replace(/<span dir="auto">([^<]*)<\/span>/gi, '$1')
      .replace(/<[^>]*>/g, ' ')
      .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
        if (ref.startsWith('#x') || ref.startsWith('#X'))
          return String.fromCodePoint(Number.parseInt(ref.slice(2), 16));
        if (ref.startsWith('#')) return String.fromCodePoint(Number.parseInt(ref.slice(1), 10));
        return named[ref.toLowerCase()] ?? whole;
      })
      .replace(/\s+/g, ' ')
      .trim()
  );
}

/** Whitespace, line breaks included, collapsed to single spaces. */
export function flat(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
