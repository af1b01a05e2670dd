import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatabaseUrlError, parseDatabaseUrl } from '../../src/store/databaseUrl.js';

const root = path.resolve('/srv/news');

describe('parseDatabaseUrl', () => {
  it('chooses the embedded SQLite file under .storyline/ when the variable is unset or empty', () => {
    const file = path.join(root, '.storyline', 'storyline.db');
    expect(parseDatabaseUrl(undefined, root)).toEqual({ engine: 'sqlite', file });
    expect(parseDatabaseUrl('  ', root)).toEqual({ engine: 'sqlite', file });
  });

  it('reads a file path or a sqlite: URL as SQLite, relative to the root', () => {
    expect(parseDatabaseUrl('data/subs.db', root)).toEqual({
      engine: 'sqlite',
      file: path.join(root, 'data', 'subs.db'),
    });
    expect(parseDatabaseUrl('/var/lib/storyline.db', root)).toEqual({
      engine: 'sqlite',
      file: path.resolve('/var/lib/storyline.db'),
    });
    expect(parseDatabaseUrl('sqlite:data/subs.db', root)).toEqual({
      engine: 'sqlite',
      file: path.join(root, 'data', 'subs.db'),
    });
    expect(parseDatabaseUrl('SQLITE:///var/lib/s.db', root)).toEqual({
      engine: 'sqlite',
      file: path.resolve('/var/lib/s.db'),
    });
    expect(parseDatabaseUrl('sqlite::memory:', root)).toEqual({
      engine: 'sqlite',
      file: ':memory:',
    });
  });

  it('reads postgres:// and postgresql:// as PostgreSQL, keeping the URL for the pool', () => {
    const url = 'postgres://news:p%40ss@db.example.net:5432/storyline?sslmode=require';
    expect(parseDatabaseUrl(url, root)).toEqual({ engine: 'postgres', connectionString: url });
    const long = 'postgresql://news@10.0.0.5/storyline';
    expect(parseDatabaseUrl(long, root)).toEqual({ engine: 'postgres', connectionString: long });
  });

  it('refuses an unknown scheme, naming the variable and the scheme but never the value', () => {
    const url = 'mysql://news:hunter2-secret@db.example.net/storyline';
    expect(() => parseDatabaseUrl(url, root)).toThrow(DatabaseUrlError);
    try {
      parseDatabaseUrl(url, root);
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toMatch(/^Unexpected scheme `mysql:` in STORYLINE_DATABASE_URL, expected /);
      expect(message).not.toContain('hunter2');
    }
  });

  it('refuses a PostgreSQL URL without a host and an empty sqlite: URL', () => {
    expect(() => parseDatabaseUrl('postgres:///storyline', root)).toThrow(
      /STORYLINE_DATABASE_URL without a host/,
    );
    expect(() => parseDatabaseUrl('sqlite:', root)).toThrow(/`sqlite:` without a file/);
  });
});
