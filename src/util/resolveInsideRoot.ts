import { realpathSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import path from 'node:path';

/**
 * Where a path really leads, judged against a root: `inside` with the real
 * path to read (so a link swapped after the check is not followed again),
 * `outside` when a symbolic link anywhere along it leaves the root, or
 * `missing` when it does not resolve (no such file, a dangling or looping
 * link, a folder we may not search).
 */
export type RootResolution =
  | {
      status: 'inside';
      realPath: string;
      /** From the real root, never `..`. */
      relative: string;
    }
  | { status: 'outside' }
  | { status: 'missing' };

/**
 * The one guard for every file storyline reads into an email, a build, the
 * archive or the preview: resolve `target` (absolute, or relative to `root`)
 * with `realpath` and say whether it stays inside the real `root`. A lexical
 * check cannot see symlinks: `images/chart.png -> /proc/self/environ` looks
 * inside the root and is not.
 */
export async function resolveInsideRoot(root: string, target: string): Promise<RootResolution> {
  let realRoot: string;
  let realTarget: string;
  try {
    realRoot = await realpath(root);
    realTarget = await realpath(path.resolve(root, target));
  } catch {
    return { status: 'missing' };
  }
  return judge(realRoot, realTarget);
}

/** `resolveInsideRoot` for callers that cannot wait (mdast walks, sync checks). */
export function resolveInsideRootSync(root: string, target: string): RootResolution {
  let realRoot: string;
  let realTarget: string;
  try {
    realRoot = realpathSync(root);
    realTarget = realpathSync(path.resolve(root, target));
  } catch {
    return { status: 'missing' };
  }
  return judge(realRoot, realTarget);
}

function judge(realRoot: string, realTarget: string): RootResolution {
  const relative = path.relative(realRoot, realTarget);
  const leaves =
    relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative);
  return leaves ? { status: 'outside' } : { status: 'inside', realPath: realTarget, relative };
}
