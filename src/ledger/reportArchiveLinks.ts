import { lstatSync, type Stats } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { VFile } from 'vfile';
import { reportProblem } from '../diagnostics/reportProblem.js';
import { archiveDir } from './archivePaths.js';
import type { FolderEntry, LedgerCache } from './LedgerCache.js';

/**
 * Every symbolic link in `archive/` (or `archive` itself as a link), each an
 * error on its own file. CI commits `archive/` after a publish, and content
 * comes from pull requests: a committed `archive/images -> /home/runner/.ssh`
 * would make the publish write, and the commit push, files from elsewhere on
 * the runner. storyline writes `archive/` itself and needs no link in it, so
 * every one is refused, wherever it points (which is never printed).
 */
export async function reportArchiveLinks(
  root: string,
  /** Folder listings kept between loads: a folder that did not change is not listed again. */
  cache?: LedgerCache,
): Promise<VFile[]> {
  const files: VFile[] = [];
  const report = (filePath: string, isFolder: boolean) => {
    const file = new VFile({ path: filePath });
    const shown = path.relative(root, filePath).split(path.sep).join('/');
    reportProblem(
      file,
      `Unexpected symbolic link \`${shown}\` in archive/, expected a real ${isFolder ? 'folder' : 'file'}; storyline writes archive/ itself and never through a link: replace the link with a real ${isFolder ? 'folder' : 'file'} (or delete it) and publish again`,
      undefined,
      'symlink',
    );
    files.push(file);
  };
  const top = archiveDir(root);
  try {
    if ((await lstat(top)).isSymbolicLink()) {
      report(top, true);
      return files;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return files;
    throw error;
  }
  // Walked by hand so that a linked folder is reported, never entered.
  const pending = [top];
  for (let dir = pending.pop(); dir !== undefined; dir = pending.pop()) {
    for (const entry of await listFolder(dir, cache)) {
      // Joined by hand: `dir` is normalised and a name has no separator.
      if (entry.kind === 'folder') pending.push(`${dir}${path.sep}${entry.name}`);
      else if (entry.kind === 'link') {
        const entryPath = path.join(dir, entry.name);
        report(entryPath, await leadsToFolder(entryPath));
      }
    }
  }
  cache?.folders.sweep();
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * The entries of `dir`, from `cache` while the folder is as it was. A
 * folder holding a link is listed every time: where the link leads (which
 * the message names) can change without the folder changing.
 */
async function listFolder(
  dir: string,
  cache: LedgerCache | undefined,
): Promise<readonly FolderEntry[]> {
  let stats: Stats | undefined;
  if (cache) {
    try {
      // Synchronous on purpose: one per edition folder, thousands a save.
      stats = lstatSync(dir, { throwIfNoEntry: false });
    } catch {
      stats = undefined;
    }
    const kept = stats && cache.folders.lookup(dir, stats);
    if (kept) return kept;
  }
  const entries: FolderEntry[] = (await readdir(dir, { withFileTypes: true })).map((entry) => ({
    name: entry.name,
    kind: entry.isDirectory() ? 'folder' : entry.isSymbolicLink() ? 'link' : 'other',
  }));
  if (stats?.isDirectory() && !entries.some((e) => e.kind === 'link'))
    cache?.folders.store(dir, stats, entries);
  return entries;
}

async function leadsToFolder(linkPath: string): Promise<boolean> {
  try {
    return (await stat(linkPath)).isDirectory();
  } catch {
    return false;
  }
}
