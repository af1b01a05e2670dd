import type { Position } from 'unist';

/** A key path into a parsed front matter or config document. */
export type KeyPath = readonly (string | number)[];

/**
 * Finds where a value or a key sits in the source text, so that schema
 * problems (which only know a key path) can be reported at a line and column.
 * Implemented for YAML front matter and for the JSON config.
 */
export interface SourceLocator {
  /** Where the value at `path` is; the nearest existing parent when absent. */
  value(path: KeyPath): Position;
  /** Where the key of the entry at `path` is; falls back to `value`. */
  key(path: KeyPath): Position;
}
