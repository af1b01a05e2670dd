import path from 'node:path';
import type { Position } from 'unist';
import type { VFile } from 'vfile';
import { reportProblem } from '../diagnostics/reportProblem.js';
import { reportSchemaIssues } from '../diagnostics/reportSchemaIssues.js';
import { checkTreeDepth } from './checkTreeDepth.js';
import { isBefore, isInFuture } from './compareStoryDates.js';
import {
  fieldHints,
  storyFrontMatterSchema,
  updateFrontMatterSchema,
} from './frontMatterSchemas.js';
import { lintBody, urlProblem } from './lintBody.js';
import { parseFrontMatter } from './parseFrontMatter.js';
import { parseMarkdown } from './parseMarkdown.js';
import { parseStoryDate } from './parseStoryDate.js';
import type { BaseStory, Update } from './Story.js';
import type { StoryDate } from './StoryDate.js';
import { scanMarkdownLimits } from './scanMarkdownLimits.js';

export interface ParseOptions {
  timeZone: string;
  now: Date;
  /** When the base story ran; updates may not be dated before it. */
  published?: StoryDate | undefined;
}

/** `YYYY-MM-DD-slug.md`: the slug is lowercase ASCII letters, digits and hyphens. */
const updateFileName = /^(\d{4}-\d{2}-\d{2})-[a-z0-9]+(?:-[a-z0-9]+)*\.md$/;

let parses = 0;

/** How many content files this process has parsed: tests and benchmarks count re-parsing with it. */
export function contentParseCount(): number {
  return parses;
}

/**
 * Parse one content file held in `file` (already read and decoded) into a
 * base story or an update. Problems go on `file`; the result is `undefined`
 * only when the front matter is unusable. Pure.
 */
export function parseContentFile(
  file: VFile,
  kind: 'story',
  options: ParseOptions,
): BaseStory | undefined;
export function parseContentFile(
  file: VFile,
  kind: 'update',
  options: ParseOptions,
): Update | undefined;
export function parseContentFile(
  file: VFile,
  kind: 'story' | 'update',
  options: ParseOptions,
): BaseStory | Update | undefined {
  parses++;
  // Input that would crash the parser or the recursive walks after it, or
  // keep them busy for minutes, is refused before it reaches them.
  if (!scanMarkdownLimits(file)) return undefined;
  const tree = parseMarkdown(file);
  if (!checkTreeDepth(file, tree)) return undefined;
  const frontMatter = parseFrontMatter(file, tree);
  if (frontMatter === 'absent') {
    const needs = kind === 'story' ? '`title:` and `published:`' : '`date:`';
    reportProblem(
      file,
      `Missing front matter, expected a block at the top of the file between \`---\` lines with ${needs}`,
      { line: 1, column: 1 },
      'front-matter-missing',
    );
  }
  // A draft may be empty: `storyline new` writes one for the writer to fill in.
  const isDraft = typeof frontMatter === 'object' && frontMatter.data.draft === true;
  const body = lintBody(file, tree, kind === 'story' ? 'story' : 'update', { allowEmpty: isDraft });
  if (typeof frontMatter !== 'object') return undefined;
  const { data, locator } = frontMatter;
  const filePath = file.path;
  const fieldPositions = Object.fromEntries(
    Object.keys(data).map((key) => [key, locator.value([key])]),
  );

  const readDate = (key: 'published' | 'date', value: unknown): StoryDate | undefined => {
    if (typeof value !== 'string') return undefined;
    const result = parseStoryDate(value, options.timeZone);
    if (!result.ok) reportProblem(file, result.reason, locator.value([key]), 'invalid-date');
    return result.ok ? result.date : undefined;
  };

  if (kind === 'story') {
    const parsed = storyFrontMatterSchema.safeParse(data);
    if (!parsed.success) {
      reportSchemaIssues(file, parsed.error.issues, data, locator, {
        where: 'the front matter of story.md',
        schema: storyFrontMatterSchema,
        hints: fieldHints,
      });
    }
    const published = readDate('published', data.published);
    if (!parsed.success || !published) return undefined;
    const { title, dek, byline, image, lang } = parsed.data;
    const imageUrlProblem = image ? urlProblem(image.src, 'image') : undefined;
    if (imageUrlProblem)
      reportProblem(file, imageUrlProblem, locator.value(['image', 'src']), 'unsafe-url');
    if (image && !image.alt.trim()) {
      reportProblem(
        file,
        'Unexpected empty `image.alt`, expected a description of the image for readers who cannot see it',
        locator.value(['image', 'alt']),
        'image-alt',
      );
    }
    return {
      path: filePath,
      title,
      published,
      ...(dek ? { dek } : {}),
      ...(byline ? { byline } : {}),
      ...(lang ? { lang } : {}),
      ...(image
        ? {
            image: {
              src: image.src,
              alt: image.alt,
              ...(image.credit ? { credit: image.credit } : {}),
            },
          }
        : {}),
      body,
      fieldPositions,
    };
  }

  const parsed = updateFrontMatterSchema.safeParse(data);
  if (!parsed.success) {
    reportSchemaIssues(file, parsed.error.issues, data, locator, {
      where: 'the front matter of an update',
      schema: updateFrontMatterSchema,
      hints: fieldHints,
    });
  }
  const date = readDate('date', data.date);
  if (date) checkUpdateDate(file, date, locator.value(['date']), options);
  if (!parsed.success || !date) return undefined;
  const { headline, kind: updateKind, summary, draft, lang } = parsed.data;
  return {
    id: path.basename(filePath, '.md'),
    path: filePath,
    date,
    ...(headline ? { headline } : {}),
    kind: updateKind,
    ...(summary ? { summary } : {}),
    ...(lang ? { lang } : {}),
    draft,
    body,
    fieldPositions,
  };
}

function checkUpdateDate(
  file: VFile,
  date: StoryDate,
  place: Position,
  options: ParseOptions,
): void {
  const name = path.basename(file.path);
  const match = updateFileName.exec(name);
  if (!match) {
    reportProblem(
      file,
      `Unexpected file name \`${name}\`, expected \`YYYY-MM-DD-slug.md\` with lowercase letters, digits and hyphens, such as \`${date.day}-${suggestSlug(name)}.md\``,
      { line: 1, column: 1 },
      'file-name',
    );
  } else if (match[1] !== date.day) {
    reportProblem(
      file,
      `Unexpected date \`${date.text}\` in \`${name}\`, expected the day in the file name (${match[1]}); rename the file or fix the date`,
      place,
      'file-name-date',
    );
  }
  if (options.published && isBefore(date, options.published, options.timeZone)) {
    reportProblem(
      file,
      `Unexpected date \`${date.text}\` before the story was published (${options.published.text}), expected ${options.published.day} or later`,
      place,
      'before-published',
    );
  }
  if (isInFuture(date, options.now, options.timeZone)) {
    reportProblem(
      file,
      `Unexpected date \`${date.text}\` in the future, expected today or earlier; an update is dated when it is written`,
      place,
      'future-date',
    );
  }
}

function suggestSlug(name: string): string {
  const slug = name
    .replace(/\.[^.]*$/, '')
    .replace(/^\d{4}-\d{2}-\d{2}-?/, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return slug || 'update';
}
