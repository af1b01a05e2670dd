import path from 'node:path';
import type { VFile } from 'vfile';
import { reportProblem } from '../diagnostics/reportProblem.js';

/**
 * Updates in one story. A fast story runs to a few hundred; 10,000 made a
 * 26 MB email and a living page no browser wants to open.
 */
export const maxUpdates = 2_000;
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
