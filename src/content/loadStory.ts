import { type Stats, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { VFile } from 'vfile';
import { VFile as VFileClass } from 'vfile';
import { hasErrors } from '../diagnostics/collectProblems.js';
import { reportProblem } from '../diagnostics/reportProblem.js';
import { resolveInsideRoot } from '../util/resolveInsideRoot.js';
import type { ContentCache, ParsedContent } from './ContentCache.js';
import { type ParseOptions, parseContentFile } from './parseContentFile.js';
import { readContentFile } from './readContentFile.js';
import { reportOutsideRoot } from './reportOutsideRoot.js';
import type { BaseStory, Story, Update } from './Story.js';

export interface LoadOptions {
  /** IANA time zone that date-only values and "today" are read in. */
  timeZone: string;
  /** The current time; tests set it to check future dates. */
  now: Date;
  /**
   * Files parsed by earlier loads of this root (the preview's): only files
   * that changed since are read and parsed again.
   */
  cache?: ContentCache | undefined;
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
  const updatesDir = path.join(root, 'updates');
  const updatesFolder = await outsideRootFile(root, updatesDir, 'folder');
  const updatePaths = updatesFolder ? [] : await listUpdateFiles(updatesDir);

  const { cache } = options;
  const parseOptions: ParseOptions = { timeZone: options.timeZone, now: options.now };
  const storyContext = `story ${options.timeZone}`;
  const storyOutside = await outsideRootFile(root, storyPath, 'file');
  const storyLoaded: Loaded = storyOutside
    ? { file: storyOutside }
    : await loadFile(storyPath, cache, storyContext, () => readStoryFile(storyPath));
  const storyFile = storyLoaded.file;
  let base: BaseStory | undefined;
  if (storyLoaded.hit) {
    base = storyLoaded.hit.result as BaseStory | undefined;
  } else {
    base =
      storyFile.messages.length === 0
        ? parseContentFile(storyFile, 'story', parseOptions)
        : undefined;
    if (base) {
      const { image } = base;
      reportOutsideRoot(
        storyFile,
        root,
        base.body,
        image ? { src: image.src, place: base.fieldPositions.image } : undefined,
      );
    }
    if (storyLoaded.stats)
      cache?.store(storyPath, storyLoaded.stats, storyContext, storyFile, base);
  }

  const files: VFile[] = [storyFile];
  if (updatesFolder) files.push(updatesFolder);
  const updates: Update[] = [];
  const firstPathOfId = new Map<string, string>();
  const updateOptions: ParseOptions = { ...parseOptions, published: base?.published };
  const updateContext = `update ${options.timeZone} ${base?.published.text ?? ''}`;
  const readUpdate = (filePath: string) =>
    readContentFile(filePath).catch((error: unknown) => unreadable(filePath, error));
  // Read every file at once (the disk work overlaps), then parse in order.
  // A read that fails becomes a problem on that file right away, so no
  // promise is ever left to reject unobserved while earlier files parse.
  const reads = updatePaths.map(
    ({ filePath, isMarkdown, isLink }): Promise<Loaded> =>
      isMarkdown && !isLink
        ? loadFile(filePath, cache, updateContext, () => readUpdate(filePath))
        : Promise.resolve({ file: new VFileClass({ path: filePath }) }),
  );
  for (const [index, { filePath, isMarkdown, isLink }] of updatePaths.entries()) {
    const loaded = await (reads[index] as Promise<Loaded>);
    let file = loaded.file;
    if (file.data.vanished) continue;
    if (isLink) {
      files.push(file);
      // Never followed, even to a file inside the root: one rule that needs
      // no judging of where a link points, and git keeps the file itself.
      reportProblem(
        file,
        `Unexpected symbolic link \`${path.relative(root, filePath).split(path.sep).join('/')}\` in updates/, expected the update file itself; commit the file in updates/ instead of linking to it`,
        undefined,
        'symlink',
      );
      continue;
    }
    if (!isMarkdown) {
      files.push(file);
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
      // A second file with an id is not parsed: only its reading problems
      // and this one, whatever a cached parse of it held.
      if (loaded.hit) file = await readUpdate(filePath);
      if (file.data.vanished) continue;
      files.push(file);
      reportProblem(
        file,
        `Unexpected second update with id \`${id}\`, expected each file name once; ${path.relative(root, first)} has it too, so rename one`,
        undefined,
        'duplicate-id',
      );
      continue;
    }
    files.push(file);
    firstPathOfId.set(id, filePath);
    let update: Update | undefined;
    if (loaded.hit) {
      update = loaded.hit.result as Update | undefined;
    } else {
      update =
        file.messages.length === 0 ? parseContentFile(file, 'update', updateOptions) : undefined;
      if (update) reportOutsideRoot(file, root, update.body);
      if (loaded.stats) cache?.store(filePath, loaded.stats, updateContext, file, update);
    }
    if (update) updates.push(update);
  }
  cache?.retain(new Set([storyPath, ...updatePaths.map((listed) => listed.filePath)]));

  updates.sort((a, b) => a.date.epochMs - b.date.epochMs || compareIds(a.id, b.id));

  const story = base ? { root: path.resolve(root), base, updates } : undefined;
  return { story, files, failed: hasErrors(files) };
}

interface Loaded {
  file: VFile;
  /** The file's stats when read through a cache, to store its parse under. */
  stats?: Stats;
  /** The cached parse, when the file has not changed since it was stored. */
  hit?: ParsedContent;
}

/**
 * `filePath` from `cache` when it has not changed, else `read`. A file that
 * cannot be stat'ed is read (the reader reports why) and never cached.
 */
async function loadFile(
  filePath: string,
  cache: ContentCache | undefined,
  context: string,
  read: () => Promise<VFile>,
): Promise<Loaded> {
  if (!cache) return { file: await read() };
  let stats: Stats;
  try {
    // Synchronous on purpose: thousands of promise stats per save cost
    // several times what the calls themselves do, and a cached load is the
    // preview's, a local server with one user.
    stats = statSync(filePath);
  } catch {
    return { file: await read() };
  }
  const hit = cache.lookup(filePath, stats, context);
  if (!hit) return { file: await read(), stats };
  const file = new VFileClass({ path: filePath, value: hit.value });
  // Copies: a caller may change a message (\`check --strict\` makes every one fatal).
  for (const message of hit.messages)
    file.messages.push(Object.assign(Object.create(Object.getPrototypeOf(message)), message));
  return { file, stats, hit };
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

/**
 * A problem file when `filePath` is a symbolic link (or sits in a linked
 * folder) that leaves the content root, so it is never read; `undefined`
 * when it is inside the root or missing (missing is reported by the reader).
 */
async function outsideRootFile(
  root: string,
  filePath: string,
  what: 'file' | 'folder',
): Promise<VFile | undefined> {
  if ((await resolveInsideRoot(root, filePath)).status !== 'outside') return undefined;
  const file = new VFileClass({ path: filePath });
  const name = path.relative(root, filePath).split(path.sep).join('/');
  reportProblem(
    file,
    `Unexpected ${name}${what === 'folder' ? '/' : ''} outside the content root (a symbolic link to a ${what} elsewhere), expected the ${what} itself; copy it into the content root instead of linking to it`,
    undefined,
    'outside-root',
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
  /** A symbolic link (to a file or a folder): reported, never read or followed. */
  isLink: boolean;
}

/**
 * Every file and symbolic link under `updates/`, sub-folders included (a
 * linked folder is listed, not entered); hidden files (`.gitkeep`) skipped.
 */
async function listUpdateFiles(dir: string): Promise<Listed[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return entries
    .filter((entry) => (entry.isFile() || entry.isSymbolicLink()) && !entry.name.startsWith('.'))
    .map((entry) => {
      const filePath = path.join(entry.parentPath, entry.name);
      return {
        filePath,
        isMarkdown: entry.name.endsWith('.md'),
        isLink: entry.isSymbolicLink(),
      };
    })
    .filter(
      ({ filePath }) =>
        // Every listed path starts with `dir`: slicing is path.relative without its cost per file.
        !filePath
          .slice(dir.length + 1)
          .split(path.sep)
          .some((p) => p.startsWith('.')),
    )
    .sort((a, b) => a.filePath.localeCompare(b.filePath));
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
