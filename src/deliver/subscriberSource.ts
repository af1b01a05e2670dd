import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';

/** `store`: the subscriber store, whose `path` is a description, not a file. */
export type SubscriberOrigin = 'flag' | 'env' | 'subscribers.csv' | 'example' | 'store';

export interface SubscriberSource {
  path: string;
  origin: SubscriberOrigin;
}

async function isFile(filePath: string): Promise<boolean> {
  return (await statOrUndefined(filePath))?.isFile() === true;
}

async function statOrUndefined(filePath: string): Promise<Stats | undefined> {
  try {
    return await stat(filePath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** What a path that is not a regular file is, for "expected a CSV file" messages. */
function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'is a directory';
  if (stats.isCharacterDevice()) return 'is not a regular file (a character device)';
  if (stats.isBlockDevice()) return 'is not a regular file (a block device)';
  if (stats.isFIFO()) return 'is not a regular file (a named pipe)';
  if (stats.isSocket()) return 'is not a regular file (a socket)';
  return 'is not a regular file';
}

/**
 * The list a flag or variable names, or an error saying what is there
 * instead: missing, a directory, a device.
 */
async function namedList(listPath: string, from: string, fix: string): Promise<string> {
  const stats = await statOrUndefined(listPath);
  if (stats?.isFile()) return listPath;
  if (stats)
    throw new Error(
      `Unexpected \`${listPath}\` (from ${from}): it ${kindOf(stats)}, expected a CSV file with an \`email\` column; ${fix}`,
    );
  throw new Error(
    `Unexpected missing subscriber list \`${listPath}\` (from ${from}), expected a CSV file with an \`email\` column; ${fix}`,
  );
}

/**
 * Which subscriber list to mail: `--subscribers FILE`, else
 * `STORYLINE_SUBSCRIBERS`, else `<root>/subscribers.csv` (the real list, never
 * committed), else the committed `<root>/subscribers.example.csv`. A list
 * named by the flag or the variable must exist: falling back to another
 * list when the one asked for is missing would mail the wrong people. An
 * empty variable counts as unset, as CI passes unconfigured values as "".
 * Relative paths resolve against the current folder, where the user typed them.
 */
export async function resolveSubscriberSource(options: {
  root: string;
  flag?: string | undefined;
  env: NodeJS.ProcessEnv;
}): Promise<SubscriberSource> {
  const { root, flag, env } = options;
  if (flag !== undefined && flag !== '') {
    const flagPath = await namedList(path.resolve(flag), '--subscribers', 'check the path');
    return { path: flagPath, origin: 'flag' };
  }
  const variable = env.STORYLINE_SUBSCRIBERS;
  if (variable !== undefined && variable !== '') {
    const envPath = await namedList(
      path.resolve(variable),
      'STORYLINE_SUBSCRIBERS',
      'check the path or unset the variable',
    );
    return { path: envPath, origin: 'env' };
  }
  const real = path.join(root, 'subscribers.csv');
  if (await isFile(real)) return { path: real, origin: 'subscribers.csv' };
  const example = path.join(root, 'subscribers.example.csv');
  if (await isFile(example)) return { path: example, origin: 'example' };
  throw new Error(
    `Unexpected missing subscriber list, expected \`${real}\` or \`${example}\`; create subscribers.csv with an \`email\` column, or pass --subscribers FILE or set STORYLINE_SUBSCRIBERS`,
  );
}
