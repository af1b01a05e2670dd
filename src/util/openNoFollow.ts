import { closeSync, constants, openSync, readFileSync } from 'node:fs';
import { type FileHandle, open, readFile } from 'node:fs/promises';
import { UnsafePathError } from './UnsafePathError.js';

/** Windows has no O_NOFOLLOW; there git checks links out as plain files by default. */
const noFollow = constants.O_NOFOLLOW ?? 0;

const flagBits = {
  r: constants.O_RDONLY,
  'a+': constants.O_RDWR | constants.O_APPEND | constants.O_CREAT,
} as const;

/**
 * `open` that refuses a symbolic link as the file itself (O_NOFOLLOW: the
 * kernel checks, so nothing can swap the link in between). For appends to
 * committed files (journals, suppressions) and reads of committed state: a
 * link in `archive/` could point anywhere on the CI runner.
 */
export async function openNoFollow(filePath: string, flags: 'r' | 'a+'): Promise<FileHandle> {
  try {
    return await open(filePath, flagBits[flags] | noFollow, 0o666);
  } catch (error) {
    throw refusal(error, filePath);
  }
}

export function openNoFollowSync(filePath: string, flags: 'r' | 'a+'): number {
  try {
    return openSync(filePath, flagBits[flags] | noFollow, 0o666);
  } catch (error) {
    throw refusal(error, filePath);
  }
}

/** The whole file as UTF-8, refusing a link as `openNoFollow` does. */
export async function readFileNoFollow(filePath: string): Promise<string> {
  try {
    return await readFile(filePath, { encoding: 'utf8', flag: flagBits.r | noFollow });
  } catch (error) {
    throw refusal(error, filePath);
  }
}

export function readFileNoFollowSync(filePath: string): string {
  const fd = openNoFollowSync(filePath, 'r');
  try {
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/** ELOOP is what O_NOFOLLOW answers for a link; every other error passes through as it was. */
function refusal(error: unknown, filePath: string): unknown {
  if ((error as NodeJS.ErrnoException).code !== 'ELOOP') return error;
  return new UnsafePathError(
    `${filePath} is a symbolic link, expected a real file; storyline never reads committed state or appends through a link: replace it with the real file`,
  );
}
