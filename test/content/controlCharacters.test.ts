import { describe, expect, it } from 'vitest';
import { fixture, storyMd, updateMd } from '../helpers/fixture.js';
import { problemsOf } from '../helpers/problems.js';

const at = 'updates/2014-02-10-talks.md';

describe('control characters', () => {
  it('refuses an escape character in a front matter value, at the character', async () => {
    const root = await fixture({
      'story.md': storyMd,
      [at]: updateMd('date: 2014-02-10\nheadline: Talks \u001b[2J resume'),
    });
    expect(await problemsOf(root)).toEqual([
      `${at}:3:17: Unexpected control character U+001B in front matter, expected printable text; delete it (most editors do not show it) [control-character]`,
    ]);
  });

  it('refuses a line separator written as an escape, at its value', async () => {
    const root = await fixture({
      'story.md': storyMd,
      [at]: updateMd('date: 2014-02-10\nsummary: "Talks\\u2028Subject: forged"'),
    });
    expect(await problemsOf(root)).toEqual([
      `${at}:3:10: Unexpected control character U+2028 in front matter, expected printable text; delete it (most editors do not show it) [control-character]`,
    ]);
  });

  it('refuses a NUL in a key, and accepts tabs and line breaks in a block scalar', async () => {
    const nul = await fixture({
      'story.md': storyMd,
      [at]: updateMd('date: 2014-02-10\nhead\u0000line: Talks'),
    });
    expect(await problemsOf(nul)).toEqual([
      `${at}:3:5: Unexpected control character U+0000 in front matter, expected printable text; delete it (most editors do not show it) [control-character]`,
    ]);
    const block = await fixture({
      'story.md': storyMd,
      [at]: updateMd('date: 2014-02-10\nsummary: |\n  Talks\tresumed\n  in Geneva.'),
    });
    expect(await problemsOf(block)).toEqual([]);
  });

  it('escapes control characters from a file before printing them', async () => {
    const root = await fixture({
      'story.md': storyMd,
      'storyline.config.json': '{ "fr\\u001b]0;owned\\u0007om": "x" }',
    });
    const problems = await problemsOf(root);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^storyline\.config\.json:1:3: Unexpected field `frU\+001B\]0;ownedU\+0007om` in /,
    );
    expect(problems.join('')).not.toMatch(/\p{Cc}/u);
  });
});
