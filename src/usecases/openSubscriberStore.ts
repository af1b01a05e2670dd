import { existsSync } from 'node:fs';
import { parseDatabaseUrl } from '../store/databaseUrl.js';
import { openStore } from '../store/openStore.js';
import type { Store } from '../store/Store.js';

/**
 * The store `STORYLINE_DATABASE_URL` names, or the embedded default under
 * the root when it is unset. Throws `DatabaseUrlError` (a usage error for a
 * command) for a value it cannot use, without quoting the value.
 */
export async function openSubscriberStore(env: NodeJS.ProcessEnv, root: string): Promise<Store> {
  return openStore(parseDatabaseUrl(env.STORYLINE_DATABASE_URL, root));
}

/** The configured store, only when `STORYLINE_DATABASE_URL` is set: commands that work without one. */
export async function openConfiguredStore(
  env: NodeJS.ProcessEnv,
  root: string,
): Promise<Store | undefined> {
  if (!env.STORYLINE_DATABASE_URL?.trim()) return undefined;
  return openSubscriberStore(env, root);
}

/**
 * The store the rest of the CLI would use, when there is one: the configured
 * store, or the embedded default only when its file exists, so commands that
 * read or report (`status`, `bounces`) find the same store `send --subscribers
 * db` and `serve` write to, and create no database where there was none.
 */
export async function openExistingStore(
  env: NodeJS.ProcessEnv,
  root: string,
): Promise<Store | undefined> {
  const target = parseDatabaseUrl(env.STORYLINE_DATABASE_URL, root);
  if (target.engine === 'sqlite' && !existsSync(target.file)) return undefined;
  return openStore(target);
}
