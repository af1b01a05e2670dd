import path from 'node:path';
import type { CommandContext } from '../cli/CommandContext.js';
import { UsageError } from '../cli/UsageError.js';
import { loadConfig } from '../config/loadConfig.js';
import { parseStoryDate } from '../content/parseStoryDate.js';
import { newUpdate, UpdateExistsError } from '../usecases/newUpdate.js';

/** `storyline new <headline...>`: write a draft update and print its path. */
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
