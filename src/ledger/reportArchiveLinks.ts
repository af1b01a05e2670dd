import { lstat, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { VFile } from 'vfile';
import { reportProblem } from '../diagnostics/reportProblem.js';
import { archiveDir } from './archivePaths.js';

/**
 * Every symbolic link in `archive/` (or `archive` itself as a link), each an
 * error on its own file. CI commits `archive/` after a publish, and content
 * comes from pull requests: a committed `archive/images -> /home/runner/.ssh`
 * would make the publish write, and the commit push, files from elsewhere on
 * the runner. storyline writes `archive/` itself and needs no link in it, so
 * every one is refused, wherever it points (which is never printed).
 */
export async function reportArchiveLinks(root: string): Promise<VFile[]> {
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
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const entryPath = path.join(dir, entry.name);
      if (entry.isDirectory()) pending.push(entryPath);
      else if (entry.isSymbolicLink()) report(entryPath, await leadsToFolder(entryPath));
    }
  }
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

async function leadsToFolder(linkPath: string): Promise<boolean> {
  try {
    return (await stat(linkPath)).isDirectory();
  } catch {
    return false;
  }
}
