import type { Stats } from 'node:fs';
import type { VFile } from 'vfile';
import type { VFileMessage } from 'vfile-message';
import { type FileStamp, sameStamp, stampOf } from '../util/fileStamp.js';
import type { BaseStory, Update } from './Story.js';

/** What one content file parsed to, and the problems found in it alone. */
export interface ParsedContent {
  /** The decoded text (empty when the file could not be parsed). */
  value: string;
  /** Messages of the file by itself: reading, parsing, its own dates and links. */
  messages: readonly VFileMessage[];
  result: BaseStory | Update | undefined;
}

interface Entry extends ParsedContent {
  stamp: FileStamp;
  context: string;
}

/**
 * Parsed content files kept between loads of one content root (the preview
 * keeps one for as long as it runs), so a save re-parses only the files that
 * changed. A file is reused while its stamp (`util/fileStamp.ts`: size,
 * times and inode; an editor's save by rename gives a new inode) and the parse context (the
 * time zone, and the base story's date for updates) is the same. Checks that
 * span files (duplicate ids, the story's size) are not cached: they run over
 * the cached results on every load.
 */
export class ContentCache {
  #entries = new Map<string, Entry>();

  /** The cached parse of `filePath`, when the file and the context are as they were. */
  lookup(filePath: string, stats: Stats, context: string): ParsedContent | undefined {
    const entry = this.#entries.get(filePath);
    if (!entry || entry.context !== context) return undefined;
    if (!sameStamp(entry.stamp, stats)) return undefined;
    // "In the future" depends on the clock, which moves on: such a file is parsed again.
    if (entry.messages.some((m) => m.ruleId === 'future-date')) return undefined;
    return entry;
  }

  /** Remember `file` (read from a file with `stats`, parsed in `context`). */
  store(
    filePath: string,
    stats: Stats,
    context: string,
    file: VFile,
    result: BaseStory | Update | undefined,
  ): void {
    this.#entries.set(filePath, {
      stamp: stampOf(stats),
      context,
      value: String(file.value ?? ''),
      messages: [...file.messages],
      result,
    });
  }

  /** Drop every file not in `kept`: deleted, renamed or no longer listed. */
  retain(kept: ReadonlySet<string>): void {
    for (const filePath of this.#entries.keys())
      if (!kept.has(filePath)) this.#entries.delete(filePath);
  }
}
