import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
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
