import type { VFile } from 'vfile';
import type { VFileMessage } from 'vfile-message';

/** All messages of many files, ordered by file path, then position. */
export function collectProblems(files: readonly VFile[]): VFileMessage[] {
  return files
    .flatMap((file) => file.messages)
    .sort(
      (a, b) =>
        (a.file ?? '').localeCompare(b.file ?? '') ||
        (a.line ?? 0) - (b.line ?? 0) ||
        (a.column ?? 0) - (b.column ?? 0),
    );
}

/** True when any message is an error rather than a warning. */
export function hasErrors(files: readonly VFile[]): boolean {
  return files.some((file) => file.messages.some((message) => message.fatal === true));
}
