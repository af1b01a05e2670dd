import type { Config } from '../config/configSchema.js';
import type { Update } from '../content/Story.js';

/** How many pages the living page takes: one at least, `archive.pageSize` updates to a page. */
export function storyPageCount(updates: readonly Update[], config: Config): number {
  return Math.max(1, Math.ceil(updates.length / config.archive.pageSize));
}

/** Page `number` of the living page, under `siteUrl`: 1 is `index.html`, then `page/<n>.html`. */
export function storyPageUrl(siteUrl: string, number: number): string {
  return number === 1 ? siteUrl : new URL(`page/${number}.html`, siteUrl).href;
}

/** Where page `number` lives in `archive/`: `index.html`, then `page/<n>.html`. */
export function storyPageFile(number: number): string {
  return number === 1 ? 'index.html' : `page/${number}.html`;
}
