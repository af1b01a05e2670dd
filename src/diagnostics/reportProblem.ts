import type { Point, Position } from 'unist';
import type { VFile } from 'vfile';
import type { VFileMessage } from 'vfile-message';
import type { RuleId } from './ruleIds.js';

export type Severity = 'error' | 'warning';

/**
 * Record a problem on a file as a vfile message, the way remark-lint does:
 * with a place, a rule id and `storyline` as the source. Errors are marked
 * `fatal: true`; nothing is thrown, so every problem in a run is collected.
 */
export function reportProblem(
  file: VFile,
  reason: string,
  place: Point | Position | undefined,
  ruleId: RuleId | string,
  severity: Severity = 'error',
): VFileMessage {
  const message = file.message(reason, {
    place: place ?? { line: 1, column: 1 },
    ruleId,
    source: 'storyline',
  });
  message.fatal = severity === 'error';
  return message;
}
