import path from 'node:path';
import type { VFileMessage } from 'vfile-message';
import { printable } from './printable.js';

/** `path:line:column: message [rule]`, with the path relative to `cwd`. */
export function formatProblem(message: VFileMessage, cwd: string = process.cwd()): string {
  // A file name is file content too: a name holding ESC could rewrite the terminal.
  const file = printable(
    message.file ? path.relative(cwd, message.file) || message.file : '<unknown>',
  );
  const line = message.line ?? 1;
  const column = message.column ?? 1;
  const level = message.fatal ? '' : 'warning: ';
  const rule = message.ruleId ? ` [${message.ruleId}]` : '';
  return `${file}:${line}:${column}: ${level}${message.reason}${rule}`;
}
