import { describe, expect, it } from 'vitest';
import { databaseUrlAsUsage } from '../../src/cli/databaseUrlAsUsage.js';
import { UsageError } from '../../src/cli/UsageError.js';
import { parseDatabaseUrl } from '../../src/store/databaseUrl.js';

describe('databaseUrlAsUsage', () => {
  it('turns an unusable STORYLINE_DATABASE_URL into a usage error with its message', async () => {
    const work = (async () => parseDatabaseUrl('mysql://admin:hunter2hunter2@db/list', '/tmp'))();
    const error = await databaseUrlAsUsage(work).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain('STORYLINE_DATABASE_URL');
    expect((error as Error).message).not.toContain('hunter2');
  });

  it('passes any other failure, and a result, through unchanged', async () => {
    const other = new Error('disk full');
    await expect(databaseUrlAsUsage(Promise.reject(other))).rejects.toBe(other);
    await expect(databaseUrlAsUsage(Promise.resolve(42))).resolves.toBe(42);
  });
});
