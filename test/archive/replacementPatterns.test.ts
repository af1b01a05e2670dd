import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleFixture, writeFiles } from '../helpers/fixture.js';
import { publishOk } from '../helpers/publish.js';

describe('text that looks like a replacement pattern', () => {
  it("keeps $` and $' in a summary as text on the edition page", async () => {
    const root = await sampleFixture();
    const update = path.join(root, 'updates/2014-02-10-second-round-geneva.md');
    const text = await readFile(update, 'utf8');
    await writeFiles(root, {
      'updates/2014-02-10-second-round-geneva.md': text.replace(
        'headline: Second',
        // A function, so this test's own replace does not read the patterns.
        () =>
          'summary: "Talks stall as the $` and $\' sides trade blame, $& more"\nheadline: Second',
      ),
    });
    await publishOk(root);
    const page = await readFile(
      path.join(root, 'archive/2014-02-10-second-round-geneva/index.html'),
      'utf8',
    );
    expect(page.match(/<!doctype/gi)).toHaveLength(1);
    expect(page.match(/<\/html>/gi)).toHaveLength(1);
    const data = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(page)?.[1] ?? '';
    expect((JSON.parse(data) as { description: string }).description).toBe(
      "Talks stall as the $` and $' sides trade blame, $& more",
    );
  });
});
