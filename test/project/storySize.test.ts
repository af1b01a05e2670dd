import { describe, expect, it } from 'vitest';
import { fixture, storyMd, updateMd } from '../helpers/fixture.js';
import { problemsOf } from '../helpers/problems.js';

describe('the size of a whole story', () => {
  it('refuses the update past 10,000, on that update', async () => {
    const files: Record<string, string> = { 'story.md': storyMd };
    for (let i = 0; i < 10_001; i++) {
      files[`updates/2014-02-10-u${String(i).padStart(5, '0')}.md`] = updateMd(
        'date: 2014-02-10',
        'Talks.\n',
      );
    }
    const root = await fixture(files);
    expect(await problemsOf(root)).toEqual([
      'updates/2014-02-10-u10000.md:1:1: Unexpected update number 10001, expected at most 10000 updates in a story; start a new story (a new content root) for the next chapter [story-size]',
    ]);
  });

  it('refuses markdown past 8 MB in all, on the file that passes it', async () => {
    // Fenced code parses fastest, so 33 files near the 256 KB cap stay quick to load.
    const body = `Talks.\n\n\`\`\`\n${`${'x'.repeat(99)}\n`.repeat(2600)}\`\`\`\n`;
    const files: Record<string, string> = { 'story.md': storyMd };
    for (let i = 0; i < 33; i++) {
      files[`updates/2014-02-10-u${String(i).padStart(2, '0')}.md`] = updateMd(
        'date: 2014-02-10',
        body,
      );
    }
    const root = await fixture(files);
    expect(await problemsOf(root)).toEqual([
      'updates/2014-02-10-u32.md:1:1: Unexpected story of more than 8 MB of markdown with this file, expected at most 8 MB in story.md and its updates together; start a new story (a new content root) for the next chapter [story-size]',
    ]);
  });
});
