import { VFile } from 'vfile';
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/diagnostics/formatProblem.js';
import { reportProblem } from '../../src/diagnostics/reportProblem.js';
import { fromTransferable, toTransferable } from '../../src/diagnostics/transferableProblem.js';

/** What a message says and where, as every output of problems reads it. */
function described(message: ReturnType<typeof fromTransferable>) {
  const { reason, line, column, place, ruleId, source, fatal, file, url, note } = message;
  return { reason, line, column, place, ruleId, source, fatal, file, url, note };
}

describe('a problem on its way between threads', () => {
  it('comes back with its position, rule and severity (a structured clone of the message would lose them)', () => {
    const file = new VFile({ path: '/content/updates/2014-02-10-talks.md' });
    reportProblem(
      file,
      'Unexpected `http:` link URL, expected `https:`',
      { start: { line: 14, column: 5, offset: 300 }, end: { line: 14, column: 40, offset: 335 } },
      'insecure-url',
      'warning',
    );
    reportProblem(
      file,
      'Unexpected empty title, expected a headline',
      { line: 2, column: 1 },
      'title',
      'error',
    );
    const [warning, error] = file.messages;
    if (!warning || !error) throw new Error('reportProblem reported nothing');
    warning.url = 'https://example.org/rules#insecure-url';
    warning.note = 'Use the https address.';

    for (const message of [warning, error]) {
      const trip = fromTransferable(structuredClone(toTransferable(message)));
      expect(described(trip)).toEqual(described(message));
      expect(formatProblem(trip, '/content')).toBe(formatProblem(message, '/content'));
    }
    expect(formatProblem(warning, '/content')).toBe(
      'updates/2014-02-10-talks.md:14:5: warning: Unexpected `http:` link URL, expected `https:` [insecure-url]',
    );
    // Why the plain form: an Error's structured clone keeps its message only.
    expect(structuredClone(warning)).not.toHaveProperty('line');
  });
});
