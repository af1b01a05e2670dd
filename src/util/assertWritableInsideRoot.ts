import { lstat, stat } from 'node:fs/promises';
import path from 'node:path';
import { resolveInsideRoot } from './resolveInsideRoot.js';
import { UnsafePathError } from './UnsafePathError.js';

/**
 * The write side of the root guard: throw `UnsafePathError` unless writing
 * `target` (absolute, or relative to `root`) stays inside the real `root`.
 * Content comes from pull requests, so a committed `archive/images ->
 * /home/runner/.ssh` would otherwise make CI write files elsewhere. Every
 * folder on the way that exists may be a link only to a folder inside the
 * root (`mkdir -p` then creates real folders below it), and the target
 * itself must not be a link at all: an append follows one. A path that is
 * not under the root lexically (`build --out /tmp/x`) is the caller's
 * choice and not judged here.
 *
 * Checked before writing, not atomically with it: it guards against links
 * committed to the repository, not against a process racing storyline.
 */
export async function assertWritableInsideRoot(root: string, target: string): Promise<void> {
  const base = path.resolve(root);
  const relative = path.relative(base, path.resolve(base, target));
  if (
    relative === '' ||
    relative === '..' ||
    relative.startsWith(`..${path.sep}`) ||
    path.isAbsolute(relative)
  )
    return;
  const parts = relative.split(path.sep);
  let current = base;
  for (const [index, part] of parts.entries()) {
    current = path.join(current, part);
    let isLink: boolean;
    try {
      isLink = (await lstat(current)).isSymbolicLink();
    } catch (error) {
      // Nothing exists from here on: mkdir creates real folders.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    if (!isLink) continue;
    const shown = parts.slice(0, index + 1).join('/');
    const where = (await resolveInsideRoot(base, current)).status;
    const isFolder = where !== 'missing' && (await stat(current)).isDirectory();
    const leads =
      where === 'missing'
        ? 'a path that does not exist'
        : `a ${isFolder ? 'folder' : 'file'} ${where === 'inside' ? 'inside' : 'outside'} the content root`;
    if (index === parts.length - 1) {
      throw new UnsafePathError(
        `${shown} is a link to ${leads}; storyline never writes through a link: delete the link, and storyline writes a real ${isFolder ? 'folder' : 'file'} in its place`,
      );
    }
    if (where !== 'inside' || !isFolder) {
      throw new UnsafePathError(`${shown} is a link to ${leads}; replace it with a real folder`);
    }
  }
}

/**
 * A preflight for a command about to write many files: the first refusal
 * among `targets`, or undefined when every one may be written.
 */
export async function refusedWrite(
  root: string,
  targets: readonly string[],
): Promise<UnsafePathError | undefined> {
  for (const target of targets) {
    try {
      await assertWritableInsideRoot(root, target);
    } catch (error) {
      if (error instanceof UnsafePathError) return error;
      throw error;
    }
  }
  return undefined;
}
