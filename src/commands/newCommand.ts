import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import type { CommandContext } from '../cli/CommandContext.js';
import { UsageError } from '../cli/UsageError.js';
import { loadConfig } from '../config/loadConfig.js';
import { parseStoryDate } from '../content/parseStoryDate.js';
import { slugForHeadline } from '../content/slugForHeadline.js';
import { zonedDay } from '../content/zonedTime.js';
import { assertWritableInsideRoot } from '../util/assertWritableInsideRoot.js';

export interface NewUpdateOptions {
  root: string;
  headline: string;
  /** `YYYY-MM-DD`; default today in `timeZone`. */
  date?: string | undefined;
  now: Date;
  timeZone: string;
}

/** Thrown when the update file is already there: we never overwrite a writer's work. */
export class UpdateExistsError extends Error {
  override name = 'UpdateExistsError';
  constructor(readonly filePath: string) {
    super(`${filePath} already exists; edit it, or pass another headline or --date`);
  }
}

/** The text of a new update file. Pure. */
export function updateTemplate(day: string, headline: string): string {
  const frontMatter = stringify({ date: day, headline, draft: true }, { lineWidth: 0 });
  return `---
${frontMatter}---

<!--
Write the update below this comment in markdown: short paragraphs, [links](https://…).
\`headline\` becomes the story's headline from this update on; delete the line to keep the current one.
Add \`summary: …\` to the front matter for the line mail clients show after the subject.
Delete \`draft: true\` when the update is ready to go to subscribers.
-->
`;
}

/** Write `updates/<date>-<slug>.md`; returns its absolute path. */
export async function newUpdate(options: NewUpdateOptions): Promise<string> {
  const day = options.date ?? zonedDay(options.now.getTime(), options.timeZone);
  const dir = path.join(options.root, 'updates');
  const filePath = path.join(dir, `${day}-${slugForHeadline(options.headline)}.md`);
  await assertWritableInsideRoot(options.root, filePath);
  await mkdir(dir, { recursive: true });
  try {
    await writeFile(filePath, updateTemplate(day, options.headline), { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new UpdateExistsError(filePath);
    throw error;
  }
  return filePath;
}

export async function run({ values, positionals, io }: CommandContext): Promise<number> {
  const root = path.resolve(io.cwd, typeof values.root === 'string' ? values.root : '.');
  const headline = positionals.join(' ').trim();
  if (!headline) throw new UsageError('the headline is empty');
  const date = typeof values.date === 'string' ? values.date : undefined;
  if (date !== undefined) {
    const parsed = parseStoryDate(date, 'UTC');
    if (!parsed.ok || parsed.date.time !== undefined) {
      throw new UsageError(
        parsed.ok ? `--date takes a day, YYYY-MM-DD, not \`${date}\`` : `--date: ${parsed.reason}`,
      );
    }
  }
  const { config, file } = await loadConfig(root);
  if (file.messages.length > 0) {
    io.stderr.write('storyline new: storyline.config.json has problems; run `storyline check`\n');
    return 1;
  }
  try {
    const filePath = await newUpdate({
      root,
      headline,
      date,
      now: io.now(),
      timeZone: config.timeZone,
    });
    io.stdout.write(`${path.relative(io.cwd, filePath) || filePath}\n`);
    return 0;
  } catch (error) {
    if (error instanceof UpdateExistsError) {
      io.stderr.write(
        `storyline new: ${path.relative(io.cwd, error.filePath)} already exists; edit it, or pass another headline or --date\n`,
      );
      return 1;
    }
    throw error;
  }
}
