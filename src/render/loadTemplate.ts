import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { VFile } from 'vfile';
import { location } from 'vfile-location';
import type { Config } from '../config/configSchema.js';
import { didYouMean } from '../diagnostics/didYouMean.js';
import { reportProblem } from '../diagnostics/reportProblem.js';
import { resolveInsideRootSync } from '../util/resolveInsideRoot.js';
import { allSlots, contentSlot, slotPattern } from './templateSlots.js';

export interface Template {
  /** Absolute path of the main template. */
  path: string;
  /** Its folder: mj-include may only reach files inside it. */
  dir: string;
  text: string;
}

export interface TemplateResult {
  template: Template | undefined;
  /** The main template and every `.mjml` file beside it, with their messages. */
  files: VFile[];
}

/**
 * Read the email template named in the config and check its slots: every
 * `{{name}}` in it and its partials must be one we fill in, and the main
 * template needs exactly one `{{content}}`.
 */
export async function loadTemplate(
  root: string,
  config: Pick<Config, 'template'>,
): Promise<TemplateResult> {
  const mainPath = resolveTemplatePath(root, config);
  const dir = path.dirname(mainPath);
  if (mainPath !== bundledTemplate && !templateInsideRoot(root, dir, mainPath)) {
    const file = new VFile({ path: mainPath });
    reportProblem(
      file,
      `Unexpected template outside the content root (${config.template ?? path.relative(root, mainPath)} resolves to a file elsewhere), expected a file inside it; copy the template into the content root instead of linking to it`,
      undefined,
      'outside-root',
    );
    return { template: undefined, files: [file] };
  }
  let text: string;
  try {
    text = await readFile(mainPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const file = new VFile({ path: mainPath });
    reportProblem(
      file,
      `Missing template ${config.template ?? path.relative(root, mainPath)}, expected an MJML file (restore templates/ from the storyline repository or fix \`template\` in storyline.config.json)`,
      undefined,
      'missing-file',
    );
    return { template: undefined, files: [file] };
  }
  const main = new VFile({ path: mainPath, value: text });
  const files = [main];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    const filePath = path.join(entry.parentPath, entry.name);
    if (!entry.isFile() || !entry.name.endsWith('.mjml') || filePath === mainPath) continue;
    files.push(new VFile({ path: filePath, value: await readFile(filePath, 'utf8') }));
  }
  for (const file of files) {
    checkSlots(file, file === main);
    checkIncludes(file, dir);
  }
  return { template: { path: mainPath, dir, text }, files };
}

/** The template storyline ships, used when a content root has none. */
export const bundledTemplate = fileURLToPath(
  new URL('../../templates/email.mjml', import.meta.url),
);

/**
 * A newsroom's template, its folder and the main file must really be inside
 * the content root (symlinks followed), so `template` in the config or a
 * linked `templates/` cannot embed a file of the machine in the email. A
 * missing file passes here and is reported as missing by the reader.
 */
function templateInsideRoot(root: string, dir: string, mainPath: string): boolean {
  return (
    resolveInsideRootSync(root, dir).status !== 'outside' &&
    resolveInsideRootSync(root, mainPath).status !== 'outside' &&
    resolveInsideRootSync(dir, mainPath).status !== 'outside'
  );
}

function resolveTemplatePath(root: string, config: Pick<Config, 'template'>): string {
  if (config.template) return path.resolve(root, config.template);
  const local = path.join(root, 'templates', 'email.mjml');
  return existsSync(local) ? local : bundledTemplate;
}

/**
 * mjml drops an `mj-include` it cannot read without a word, so the email
 * would silently lose its header or footer: check every one here.
 */
function checkIncludes(file: VFile, dir: string): void {
  const text = String(file.value);
  const place = location(file);
  for (const match of text.matchAll(/<mj-include\b[^>]*?\bpath\s*=\s*"([^"]*)"/g)) {
    const target = path.resolve(path.dirname(file.path), match[1] ?? '');
    // Lexically and really: a symlinked partial or folder is refused like `..`.
    const inside =
      !path.relative(dir, target).startsWith('..') &&
      resolveInsideRootSync(dir, target).status !== 'outside';
    if (inside && existsSync(target)) continue;
    const start = place.toPoint(match.index);
    reportProblem(
      file,
      inside
        ? `Unexpected include of missing file \`${match[1]}\`, expected a file in ${path.basename(dir)}/`
        : `Unexpected include \`${match[1]}\` outside ${path.basename(dir)}/, expected a file inside the template folder`,
      start,
      'template-include',
    );
  }
}

function checkSlots(file: VFile, isMain: boolean): void {
  const text = String(file.value);
  const place = location(file);
  let contents = 0;
  for (const match of text.matchAll(slotPattern)) {
    const name = match[1] ?? '';
    const start = place.toPoint(match.index);
    const end = place.toPoint(match.index + match[0].length);
    const position = start && end ? { start, end } : undefined;
    if (name === contentSlot) {
      contents++;
      if (!isMain || contents > 1) {
        reportProblem(
          file,
          `Unexpected \`{{content}}\` here, expected it once, in the main template ${path.basename(file.path)}`,
          position,
          'template-slot',
        );
      }
    } else if (!allSlots.includes(name)) {
      const guess = didYouMean(name, allSlots);
      reportProblem(
        file,
        `Unexpected slot \`{{${name}}}\`, expected one of ${allSlots.map((s) => `\`{{${s}}}\``).join(', ')}${guess ? `; did you mean \`{{${guess}}}\`?` : ''}`,
        position,
        'template-slot',
      );
    }
  }
  if (isMain && contents === 0) {
    reportProblem(
      file,
      'Missing `{{content}}` in the main template, expected it inside `<mj-body>` where the story goes',
      { line: 1, column: 1 },
      'template-slot',
    );
  }
}
