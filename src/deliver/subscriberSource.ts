import { stat } from 'node:fs/promises';
import path from 'node:path';

export type SubscriberOrigin = 'flag' | 'env' | 'subscribers.csv' | 'example';

export interface SubscriberSource {
  path: string;
  origin: SubscriberOrigin;
}

async function isFile(filePath: string): Promise<boolean> {
  try {
    return (await stat(filePath)).isFile();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
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
    const flagPath = path.resolve(flag);
    if (await isFile(flagPath)) return { path: flagPath, origin: 'flag' };
    throw new Error(
      `Unexpected missing subscriber list \`${flagPath}\` (from --subscribers), expected a CSV file with an \`email\` column; check the path`,
    );
  }
  const variable = env.STORYLINE_SUBSCRIBERS;
  if (variable !== undefined && variable !== '') {
    const envPath = path.resolve(variable);
    if (await isFile(envPath)) return { path: envPath, origin: 'env' };
    throw new Error(
      `Unexpected missing subscriber list \`${envPath}\` (from STORYLINE_SUBSCRIBERS), expected a CSV file with an \`email\` column; check the path or unset the variable`,
    );
  }
  const real = path.join(root, 'subscribers.csv');
  if (await isFile(real)) return { path: real, origin: 'subscribers.csv' };
  const example = path.join(root, 'subscribers.example.csv');
  if (await isFile(example)) return { path: example, origin: 'example' };
  throw new Error(
    `Unexpected missing subscriber list, expected \`${real}\` or \`${example}\`; create subscribers.csv with an \`email\` column, or pass --subscribers FILE or set STORYLINE_SUBSCRIBERS`,
  );
}
