import { DatabaseUrlError } from '../store/databaseUrl.js';
import { UsageError } from './UsageError.js';

/**
 * `work`, with an unusable `STORYLINE_DATABASE_URL` turned into a usage error
 * (exit 2), like an unusable flag: the one place every command that opens
 * the store maps it.
 */
export async function databaseUrlAsUsage<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof DatabaseUrlError) throw new UsageError(error.message);
    throw error;
  }
}
