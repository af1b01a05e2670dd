import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { VFile } from 'vfile';
import { VFile as VFileClass } from 'vfile';
import { hasErrors } from '../diagnostics/collectProblems.js';
import { reportProblem } from '../diagnostics/reportProblem.js';
import { parseContentFile } from './parseContentFile.js';
import { readContentFile } from './readContentFile.js';
import type { BaseStory, Story, Update } from './Story.js';

export interface LoadOptions {
  /** IANA time zone that date-only values and "today" are read in. */
  timeZone: string;
  /** The current time; tests set it to check future dates. */
  now: Date;
}

export interface LoadResult {
  /** The story, when `story.md` could be read; present even if updates have problems. */
  story: Story | undefined;
  /** Every file looked at, each with its messages. */
  files: VFile[];
  /** True when any file has an error: nothing may be written or sent. */
  failed: boolean;
}

/**
 * Load `story.md` and `updates/**` under `root` into a `Story`, reporting
 * every problem at once as vfile messages. The only I/O in `content/`.
 */
export async function loadStory(root: string, options: LoadOptions): Promise<LoadResult> {
  const storyPath = path.join(root, 'story.md');
  const updatePaths = await listUpdateFiles(path.join(root, 'updates'));

  const storyFile = await readStoryFile(storyPath);
  const base: BaseStory | undefined =
    storyFile.messages.length === 0 ? parseContentFile(storyFile, 'story', options) : undefined;

  const files: VFile[] = [storyFile];
  const updates: Update[] = [];
  const firstPathOfId = new Map<string, string>();
  // Read every file at once (the disk work overlaps), then parse in order.
  // A read that fails becomes a problem on that file right away, so no
  // promise is ever left to reject unobserved while earlier files parse.
  const reads = updatePaths.map(({ filePath, isMarkdown }) =>
    isMarkdown
      ? readContentFile(filePath).catch((error: unknown) => unreadable(filePath, error))
      : Promise.resolve(new VFileClass({ path: filePath })),
  );
  for (const [index, { filePath, isMarkdown }] of updatePaths.entries()) {
    const file = await (reads[index] as Promise<VFile>);
    if (file.data.vanished) continue;
    files.push(file);
    if (!isMarkdown) {
      reportProblem(
        file,
        `Unexpected file \`${path.basename(filePath)}\` in updates/, expected only \`.md\` update files; move it out of updates/`,
        undefined,
        'not-markdown',
      );
      continue;
    }
    const id = path.basename(filePath, '.md');
    const first = firstPathOfId.get(id);
    if (first) {
      reportProblem(
        file,
        `Unexpected second update with id \`${id}\`, expected each file name once; ${path.relative(root, first)} has it too, so rename one`,
        undefined,
        'duplicate-id',
      );
    } else {
      firstPathOfId.set(id, filePath);
    }
    if (file.messages.length > 0) continue;
    const update = parseContentFile(file, 'update', { ...options, published: base?.published });
    // A duplicate is parsed for its own problems but never joins the story.
    if (update && !first) updates.push(update);
  }

  updates.sort((a, b) => a.date.epochMs - b.date.epochMs || compareIds(a.id, b.id));

  const story = base ? { root: path.resolve(root), base, updates } : undefined;
  return { story, files, failed: hasErrors(files) };
}

/**
 * A file that could not be read: a problem on it, or, when it went away
 * between listing and reading (an editor saving by rename), nothing at all.
 */
function unreadable(filePath: string, error: unknown): VFile {
  const file = new VFileClass({ path: filePath });
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    file.data.vanished = true;
    return file;
  }
  reportProblem(
    file,
    `Unexpected file that cannot be read (${code ?? (error as Error).message}), expected a readable markdown file; check its permissions`,
    undefined,
    'file-unreadable',
  );
  return file;
}

async function readStoryFile(storyPath: string): Promise<VFile> {
  try {
    return await readContentFile(storyPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return unreadable(storyPath, error);
    const file = new VFileClass({ path: storyPath });
    reportProblem(
      file,
      'Missing story.md, expected the base story at the content root (or pass `--root DIR`)',
      undefined,
      'missing-file',
    );
    return file;
  }
}

interface Listed {
  filePath: string;
  isMarkdown: boolean;
}

/** Every file under `updates/`, sub-folders included; hidden files (`.gitkeep`) skipped. */
async function listUpdateFiles(dir: string): Promise<Listed[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return entries
    .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
    .map((entry) => {
      const filePath = path.join(entry.parentPath, entry.name);
      return { filePath, isMarkdown: entry.name.endsWith('.md') };
    })
    .filter(
      ({ filePath }) =>
        !path
          .relative(dir, filePath)
          .split(path.sep)
          .some((p) => p.startsWith('.')),
    )
    .sort((a, b) => a.filePath.localeCompare(b.filePath));
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
