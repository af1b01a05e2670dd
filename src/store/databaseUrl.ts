import path from 'node:path';

/** Where the subscriber store lives: an embedded SQLite file, or a PostgreSQL server. */
export type StoreTarget =
  | { engine: 'sqlite'; file: string }
  | { engine: 'postgres'; connectionString: string };

/** The embedded default, under the root's `.storyline/` (git-ignored). */
export const defaultDatabaseFile = path.join('.storyline', 'storyline.db');

/**
 * A `STORYLINE_DATABASE_URL` that cannot be used. Its message names the
 * variable and never quotes the value, which may hold a password; a command
 * reports it as a usage error (exit 2).
 */
export class DatabaseUrlError extends Error {
  override name = 'DatabaseUrlError';
}

const schemePattern = /^([a-z][a-z0-9+.-]+):/i;

/**
 * `STORYLINE_DATABASE_URL` as an engine choice: unset or empty is the
 * embedded default; a file path or `sqlite:PATH` (`sqlite:///abs/path`,
 * `sqlite::memory:`) is SQLite, relative to `root`; `postgres://` and
 * `postgresql://` are PostgreSQL. A one-letter scheme is a Windows drive
 * letter, so a path.
 */
export function parseDatabaseUrl(value: string | undefined, root: string): StoreTarget {
  const url = value?.trim() ?? '';
  if (url === '') return { engine: 'sqlite', file: path.resolve(root, defaultDatabaseFile) };
  const scheme = schemePattern.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) return { engine: 'sqlite', file: path.resolve(root, url) };
  if (scheme === 'sqlite') return { engine: 'sqlite', file: sqliteFile(url, root) };
  if (scheme === 'postgres' || scheme === 'postgresql') {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new DatabaseUrlError(
        'Unexpected unparsable STORYLINE_DATABASE_URL, expected postgres://USER:PASSWORD@HOST:PORT/DATABASE (percent-encode special characters in the password)',
      );
    }
    if (parsed.hostname === '' && !parsed.searchParams.has('host')) {
      throw new DatabaseUrlError(
        'Unexpected STORYLINE_DATABASE_URL without a host, expected postgres://USER:PASSWORD@HOST:PORT/DATABASE',
      );
    }
    return { engine: 'postgres', connectionString: url };
  }
  throw new DatabaseUrlError(
    `Unexpected scheme \`${scheme}:\` in STORYLINE_DATABASE_URL, expected a file path, sqlite:PATH, postgres:// or postgresql://`,
  );
}

function sqliteFile(url: string, root: string): string {
  let rest = url.slice('sqlite:'.length);
  // sqlite:///abs/file.db and sqlite://relative/file.db, as other tools write them.
  if (rest.startsWith('//')) rest = rest.slice(2);
  if (rest === '') {
    throw new DatabaseUrlError(
      'Unexpected `sqlite:` without a file in STORYLINE_DATABASE_URL, expected sqlite:PATH (for example sqlite:.storyline/storyline.db)',
    );
  }
  if (rest === ':memory:') return rest;
  return path.resolve(root, rest);
}
