import { describe, expect, it } from 'vitest';
import { fixture, storyMd } from '../helpers/fixture.js';
import { problemsOf } from '../helpers/problems.js';

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const start = performance.now();
  const result = await work();
  return { result, ms: performance.now() - start };
}

describe('hostile input', () => {
  it('refuses a YAML alias bomb without expanding it', async () => {
    // Nine levels of ten aliases each: 10^9 strings if it were expanded.
    const levels = ['a0: &a0 "lol"'];
    for (let i = 1; i <= 9; i++) {
      levels.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
    }
    const root = await fixture({
      'story.md': storyMd,
      'updates/2014-02-10-bomb.md': `---\ndate: 2014-02-10\n${levels.join('\n')}\n---\n\nText.\n`,
    });
    const { result, ms } = await timed(() => problemsOf(root));
    console.log(`alias bomb reported in ${ms.toFixed(0)} ms`);
    expect(result).toEqual([
      'updates/2014-02-10-bomb.md:4:10: Unexpected YAML alias `*a0`, expected a plain value; front matter does not support anchors and aliases [yaml-alias]',
    ]);
  });

  it('refuses a multi-megabyte file before reading it', async () => {
    const big = `---\ndate: 2014-02-10\n---\n\n${'All talk and no progress. '.repeat(200_000)}\n`;
    const root = await fixture({ 'story.md': storyMd, 'updates/2014-02-10-big.md': big });
    const { result, ms } = await timed(() => problemsOf(root));
    console.log(`${(big.length / 1e6).toFixed(1)} MB file reported in ${ms.toFixed(0)} ms`);
    expect(result).toEqual([
      'updates/2014-02-10-big.md:1:1: Unexpected file of 5.0 MB, expected at most 256 KB; split it or move the data out of the story [file-too-large]',
    ]);
  });

  it('refuses oversized front matter', async () => {
    const long = `---\ndate: 2014-02-10\nsummary: ${'x'.repeat(20_000)}\n---\n\nText.\n`;
    const root = await fixture({ 'story.md': storyMd, 'updates/2014-02-10-long.md': long });
    expect(await problemsOf(root)).toEqual([
      'updates/2014-02-10-long.md:1:1: Unexpected front matter of 20026 characters, expected at most 16384; move long text into the body [file-too-large]',
    ]);
  });

  it('parses a file just under the limit', async () => {
    // Links are the slowest markdown to parse; fill the file with them.
    const body =
      'The delegations met again, [the BBC](https://www.bbc.co.uk/news) reported.\n\n'.repeat(
        3_300,
      );
    const root = await fixture({
      'story.md': storyMd,
      'updates/2014-02-10-long.md': `---\ndate: 2014-02-10\n---\n\n${body}\n`,
    });
    const { result, ms } = await timed(() => problemsOf(root));
    console.log(
      `${(body.length / 1024).toFixed(0)} KB update of links parsed in ${ms.toFixed(0)} ms`,
    );
    expect(result).toEqual([]);
  });
});
