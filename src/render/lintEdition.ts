import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Root } from 'mdast';
import { toString as mdastToString } from 'mdast-util-to-string';
import type { Position } from 'unist';
import { visit } from 'unist-util-visit';
import { VFile } from 'vfile';
import { location } from 'vfile-location';
import type { Config } from '../config/configSchema.js';
import { reportProblem } from '../diagnostics/reportProblem.js';
import type { Edition } from '../edition/Edition.js';
import { checkTemplateContrast } from './checkTemplateContrast.js';
import type { Rendered } from './Rendered.js';

/** Gmail clips a message whose HTML is larger than this and hides the rest behind a link. */
export const gmailClipBytes = 102 * 1024;
/**
 * Past this, the email HTML is an error, not a warning: no inbox shows it
 * whole, and every recipient's copy would cost this much again.
 */
export const maxEmailHtmlBytes = 2 * 1024 * 1024;
/** RFC 5322's recommended line length; longer subjects are cut off in most inboxes. */
export const maxSubjectLength = 78;

export interface LintOptions {
  root: string;
  config: Pick<Config, 'siteUrl'>;
  /** The template files, checked for insecure URLs and images without alt. */
  templateFiles: readonly VFile[];
}

/**
 * Warnings about a rendered edition, each at the place to fix it: the size
 * of the HTML against Gmail's clip, the subject's length, a missing
 * preheader, `http:` and relative URLs, links without text, template images
 * without alt, template colours below WCAG AA contrast. `--strict` turns them into errors.
 */
export function lintEdition(rendered: Rendered, options: LintOptions): VFile[] {
  const files = new Map<string, VFile>();
  const fileFor = (filePath: string) => {
    let file = files.get(filePath);
    if (!file) {
      file = new VFile({ path: filePath });
      files.set(filePath, file);
    }
    return file;
  };
  const warn = (filePath: string, reason: string, place: Position | undefined, rule: string) =>
    reportProblem(fileFor(filePath), reason, place, rule, 'warning');

  const { edition } = rendered;
  const newest = edition.newUpdates[0];
  const leadPath = newest?.path ?? edition.base.path;

  const bytes = Buffer.byteLength(rendered.html);
  if (bytes > maxEmailHtmlBytes) {
    reportProblem(
      fileFor(leadPath),
      `Unexpected email HTML of ${kb(bytes)}, expected at most ${kb(maxEmailHtmlBytes)}; shorten the update or lower \`earlierUpdates\` in storyline.config.json`,
      undefined,
      'html-size',
    );
  } else if (bytes > gmailClipBytes) {
    warn(
      leadPath,
      `Unexpected email HTML of ${kb(bytes)}, expected at most ${kb(gmailClipBytes)}: Gmail clips longer messages; shorten the update or lower \`earlierUpdates\` in storyline.config.json`,
      undefined,
      'html-size',
    );
  }

  const headlineSource = headlineOrigin(edition);
  if (edition.subject.length === 0) {
    warn(
      headlineSource.path,
      'Unexpected empty subject, expected a headline',
      headlineSource.place,
      'subject-length',
    );
  } else if (edition.subject.length > maxSubjectLength) {
    warn(
      headlineSource.path,
      `Unexpected subject of ${edition.subject.length} characters, expected at most ${maxSubjectLength}; inboxes cut it off`,
      headlineSource.place,
      'subject-length',
    );
  }

  if (!edition.preheader) {
    warn(
      leadPath,
      'Missing preheader, expected a `summary:` in the front matter or a first paragraph to take it from',
      undefined,
      'preheader-missing',
    );
  }

  const bodies: [string, Root][] = [
    ...edition.newUpdates.map((u): [string, Root] => [u.path, u.body]),
    [edition.base.path, edition.base.body],
  ];
  for (const [filePath, body] of bodies) lintBodyUrls(body, filePath, options, warn);
  const { image } = edition.base;
  if (image) {
    lintUrl(
      image.src,
      'image',
      edition.base.path,
      edition.base.fieldPositions.image,
      options,
      warn,
    );
  }
  for (const file of options.templateFiles) lintTemplate(file, warn);
  for (const problem of checkTemplateContrast(options.templateFiles)) {
    const place = problem.place && { start: problem.place, end: problem.place };
    warn(problem.path, problem.reason, place, 'color-contrast');
  }

  return [...files.values()];
}

type Warn = (
  filePath: string,
  reason: string,
  place: Position | undefined,
  rule: string,
) => unknown;

function lintBodyUrls(body: Root, filePath: string, options: LintOptions, warn: Warn): void {
  visit(body, (node) => {
    if (node.type !== 'link' && node.type !== 'image' && node.type !== 'definition') return;
    lintUrl(
      node.url,
      node.type === 'image' ? 'image' : 'link',
      filePath,
      node.position,
      options,
      warn,
    );
    if (
      node.type === 'link' &&
      !mdastToString(node).trim() &&
      !node.children.some((c) => c.type === 'image')
    ) {
      warn(
        filePath,
        'Unexpected link without text, expected words that say where it goes: `[the plan](https://…)`',
        node.position,
        'link-text',
      );
    }
  });
}

function lintUrl(
  url: string,
  what: 'link' | 'image',
  filePath: string,
  place: Position | undefined,
  options: LintOptions,
  warn: Warn,
): void {
  const site = new URL(options.config.siteUrl);
  if (/^http:/i.test(url)) {
    warn(
      filePath,
      `Unexpected \`http:\` ${what} URL, expected \`https:\`; mail clients warn about or block insecure addresses`,
      place,
      'insecure-url',
    );
    return;
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('#')) return;
  const resolved = new URL(url, site);
  if (resolved.origin !== site.origin || !resolved.pathname.startsWith(site.pathname)) {
    warn(
      filePath,
      `Unexpected relative ${what} URL \`${url}\` that leaves siteUrl (${site.href}), expected a path inside the archive or an absolute \`https:\` URL`,
      place,
      'relative-url',
    );
    return;
  }
  const local = path.join(
    options.root,
    decodeURIComponent(resolved.pathname.slice(site.pathname.length)),
  );
  if (!existsSync(local)) {
    warn(
      filePath,
      `Unexpected relative ${what} URL \`${url}\` with no file at ${path.relative(options.root, local) || '.'}, expected a file the archive publishes under ${site.href}`,
      place,
      'relative-url',
    );
  }
}

function lintTemplate(file: VFile, warn: Warn): void {
  const text = String(file.value);
  const place = location(file);
  const at = (offset: number): Position | undefined => {
    const start = place.toPoint(offset);
    return start ? { start, end: start } : undefined;
  };
  for (const match of text.matchAll(/\b(?:href|src)\s*=\s*"(http:[^"]*)"/gi)) {
    warn(
      file.path,
      `Unexpected \`http:\` URL \`${match[1]}\` in the template, expected \`https:\``,
      at(match.index),
      'insecure-url',
    );
  }
  // Inside mj-attributes an mj-image sets defaults; it is not an image.
  const defaults = [...text.matchAll(/<mj-attributes>[\s\S]*?<\/mj-attributes>/g)].map(
    (m) => [m.index, m.index + m[0].length] as const,
  );
  for (const match of text.matchAll(/<(?:mj-image|img)\b[^>]*>/gi)) {
    if (defaults.some(([start, end]) => match.index > start && match.index < end)) continue;
    if (!/\balt\s*=\s*"[^"]+"/i.test(match[0])) {
      warn(
        file.path,
        'Unexpected image without alt text in the template, expected `alt="…"` describing it',
        at(match.index),
        'image-alt',
      );
    }
  }
}

/** Which file and field the edition's headline comes from. */
function headlineOrigin(edition: Edition): { path: string; place: Position | undefined } {
  // Newest first: the newest update that set this headline, new or already mailed.
  const setter = [...edition.newUpdates, ...edition.earlierUpdates].find(
    (u) => u.headline !== undefined && u.headline === edition.headline,
  );
  if (setter) return { path: setter.path, place: setter.fieldPositions.headline };
  return { path: edition.base.path, place: edition.base.fieldPositions.title };
}

function kb(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  return `${(bytes / 1024).toFixed(1)} KB`;
}
