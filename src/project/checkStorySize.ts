import path from 'node:path';
import type { VFile } from 'vfile';
import { reportProblem } from '../diagnostics/reportProblem.js';

/**
 * Updates in one story. A fast story runs to a few hundred, a long-running
 * one mailed update by update to thousands. The count no longer sizes what a
 * reader gets (an email carries its edition's updates, 26 KB at 200 updates
 * and at 10,000; the living page and the feeds are paginated and capped);
 * what it still sizes is the parse every command does: at 5,000 updates,
 * `check` takes 4.3 s and 296 MB, at 10,000 about 7 s and 420 MB
 * (docs/benchmarks.md, "Scale"). Past this, a new story is cheaper.
 */
export const maxUpdates = 10_000;
/** Markdown in `story.md` and all updates together (each file is capped at 256 KB). */
export const maxStoryBytes = 8 * 1024 * 1024;

/**
 * Bound the story as a whole, on the file where a limit is first passed, so
 * the edition, the archive and the feeds built from it stay bounded too.
 * `files` are the loaded content files: `story.md` first, then the updates
 * in order.
 */
export function checkStorySize(root: string, files: readonly VFile[]): void {
  let bytes = 0;
  let updates = 0;
  let bytesReported = false;
  for (const file of files) {
    const isUpdate = path.basename(file.path) !== 'story.md' || path.dirname(file.path) !== root;
    if (isUpdate && file.path.endsWith('.md')) {
      updates++;
      if (updates === maxUpdates + 1) {
        reportProblem(
          file,
          `Unexpected update number ${updates}, expected at most ${maxUpdates} updates in a story; start a new story (a new content root) for the next chapter`,
          undefined,
          'story-size',
        );
      }
    }
    bytes += Buffer.byteLength(String(file.value ?? ''));
    if (!bytesReported && bytes > maxStoryBytes) {
      bytesReported = true;
      reportProblem(
        file,
        `Unexpected story of more than ${maxStoryBytes / (1024 * 1024)} MB of markdown with this file, expected at most ${maxStoryBytes / (1024 * 1024)} MB in story.md and its updates together; start a new story (a new content root) for the next chapter`,
        undefined,
        'story-size',
      );
    }
  }
}
