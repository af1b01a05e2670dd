import path from 'node:path';
import type { VFileMessage } from 'vfile-message';

export interface ProblemJson {
  file: string;
  line: number;
  column: number;
  endLine: number | null;
  endColumn: number | null;
  rule: string | null;
  message: string;
  severity: 'error' | 'warning';
}

/** The machine-readable form printed by `storyline check --json`. */
export function problemToJson(message: VFileMessage, cwd: string = process.cwd()): ProblemJson {
  return {
    file: message.file ? path.relative(cwd, message.file) || message.file : '',
    line: message.line ?? 1,
    column: message.column ?? 1,
    endLine: message.place && 'end' in message.place ? message.place.end.line : null,
    endColumn: message.place && 'end' in message.place ? message.place.end.column : null,
    rule: message.ruleId ?? null,
    message: message.reason,
    severity: message.fatal ? 'error' : 'warning',
  };
}
