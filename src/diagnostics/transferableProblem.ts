import type { Point, Position } from 'unist';
import { VFileMessage } from 'vfile-message';

/**
 * A vfile message as plain data, for a trip between threads: the structured
 * clone `postMessage` makes of an Error keeps only its name, message and
 * stack, so the position, rule id and severity would be lost on the way.
 */
export interface TransferableProblem {
  reason: string;
  place: Point | Position | undefined;
  file: string | undefined;
  ruleId: string | undefined;
  source: string | undefined;
  fatal: boolean | null | undefined;
  url: string | undefined;
  actual: string | undefined;
  expected: string[] | undefined;
  note: string | undefined;
}

export function toTransferable(message: VFileMessage): TransferableProblem {
  return {
    reason: message.reason,
    place: message.place,
    file: message.file,
    ruleId: message.ruleId,
    source: message.source,
    fatal: message.fatal,
    url: message.url,
    actual: message.actual,
    expected: message.expected,
    note: message.note,
  };
}

/** The message again, as `file.message()` would have made it. */
export function fromTransferable(problem: TransferableProblem): VFileMessage {
  const message = new VFileMessage(problem.reason, {
    place: problem.place,
    ruleId: problem.ruleId,
    source: problem.source,
  });
  message.file = problem.file;
  message.fatal = problem.fatal;
  message.url = problem.url;
  message.actual = problem.actual;
  message.expected = problem.expected;
  message.note = problem.note;
  return message;
}
