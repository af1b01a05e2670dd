import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/diagnostics/formatProblem.js';
import { checkProject as check } from '../../src/usecases/checkProject.js';
import { fixture, storyMd, updateMd } from '../helpers/fixture.js';
import { defaultNow } from '../helpers/problems.js';

/** `check` in process, which also renders the edition: its problems as lines. */
async function checkBody(body: string): Promise<{ ok: boolean; problems: string[] }> {
  const root = await fixture({
    'story.md': storyMd,
    'updates/2014-02-10-deep.md': updateMd('date: 2014-02-10', `${body}\n`),
  });
  const result = await check({ root, now: defaultNow });
  return { ok: result.ok, problems: result.problems.map((p) => formatProblem(p, root)) };
}

const at = 'updates/2014-02-10-deep.md';

describe('bounded nesting', () => {
  it('refuses 2,000 nested block quotes at the first `>` past the limit, without a crash', async () => {
    expect(await checkBody(`${'>'.repeat(2000)} Talks resumed.`)).toEqual({
      ok: false,
      problems: [
        `${at}:5:33: Unexpected block quote nested 2000 deep, expected at most 32; flatten it [nesting-depth]`,
      ],
    });
  });

  it('refuses a list nested 10,000 deep on one line before parsing it', async () => {
    expect(await checkBody(`${'- '.repeat(10_000)}Talks resumed.`)).toEqual({
      ok: false,
      problems: [
        `${at}:5:65: Unexpected list item nested 10000 deep, expected at most 32; flatten it [nesting-depth]`,
      ],
    });
  });

  it('refuses a list nested by indentation at the first item past the limit', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => `${'  '.repeat(i)}- level ${i + 1}`);
    expect(await checkBody(lines.join('\n'))).toEqual({
      ok: false,
      problems: [
        `${at}:37:65: Unexpected list item nested 33 deep, expected at most 32; flatten it [nesting-depth]`,
      ],
    });
  });

  it('accepts and renders lists and quotes nested up to the limit, and fenced code of any depth', async () => {
    const list = Array.from({ length: 16 }, (_, i) => `${'  '.repeat(i)}- level ${i + 1}`);
    const quotes = `${'> '.repeat(16)}Quoted.`;
    const code = Array.from({ length: 40 }, (_, i) => `${'  '.repeat(i)}- not a list`);
    const body = [
      'Talks resumed.',
      list.join('\n'),
      quotes,
      ['```yaml', ...code, '```'].join('\n'),
      '* * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * *',
    ];
    expect(await checkBody(body.join('\n\n'))).toEqual({ ok: true, problems: [] });
  });

  it('refuses emphasis nested past the limit at the emphasis', async () => {
    expect(await checkBody(`${'*a '.repeat(40)}b${' c*'.repeat(40)}`)).toEqual({
      ok: false,
      problems: [
        `${at}:5:97: Unexpected emphasis nested 40 deep, expected at most 32; flatten it [nesting-depth]`,
      ],
    });
  });

  it('refuses thousands of open emphasis markers before parsing them', async () => {
    // Resolving 2,000 nested `**` pairs takes the parser seconds; 60,000 take minutes.
    expect(await checkBody(`${'*'.repeat(60_000)}a${'*'.repeat(60_000)}`)).toEqual({
      ok: false,
      problems: [
        `${at}:5:1: Unexpected 60000 emphasis and link openers open at once in one paragraph, expected at most 128; close them or remove the extra \`*\`, \`_\`, \`~\` and \`[\` [nesting-depth]`,
      ],
    });
  });
});

describe('bounded tables', () => {
  const row = (columns: number) => `|${Array(columns).fill('a').join('|')}|`;
  const delimiter = (columns: number) => `|${Array(columns).fill('---').join('|')}|`;

  it('refuses a table wider than 64 columns at the table', async () => {
    const table = [row(1000), delimiter(1000), ...Array(100).fill(row(1000))].join('\n');
    expect(await checkBody(`The figures:\n\n${table}`)).toEqual({
      ok: false,
      problems: [
        `${at}:7:1: Unexpected table of 102 rows and 1000 columns, expected at most 64 columns; split it or link to the data instead [table-size]`,
      ],
    });
  });

  it('refuses the table that takes a file past 10,000 cells', async () => {
    const table = [row(10), delimiter(10), ...Array(598).fill(row(10))].join('\n');
    const body = [table, table].join('\n\n');
    expect(await checkBody(body)).toEqual({
      ok: false,
      problems: [
        `${at}:606:1: Unexpected table of 600 rows and 10 columns (12000 cells in this file's tables), expected at most 10000 cells in a file; split it or link to the data instead [table-size]`,
      ],
    });
  });
});
