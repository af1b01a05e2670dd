import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { browserSkipReason } from '../helpers/browser.js';
import { fixture, sampleFixture } from '../helpers/fixture.js';
import { repoRoot, runCli } from '../helpers/runCli.js';

const skip = browserSkipReason();
if (skip) console.log(`skipping the screenshot test: ${skip}`);

/** Width and height from a PNG's IHDR chunk. */
async function pngSize(file: string): Promise<{ width: number; height: number }> {
  const bytes = await readFile(file);
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('storyline preview --screenshot', () => {
  it.skipIf(Boolean(skip))(
    'writes desktop, mobile and dark PNGs of the pending edition and exits',
    async () => {
      const root = await sampleFixture();
      const out = path.join(repoRoot, 'test-results/screenshots/preview');
      const result = await runCli(['preview', '--screenshot', out], { cwd: root });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(
        result.stdout
          .trim()
          .split('\n')
          .map((line) => path.basename(line)),
      ).toEqual(['desktop.png', 'mobile.png', 'dark.png']);
      const desktop = await pngSize(path.join(out, 'desktop.png'));
      const mobile = await pngSize(path.join(out, 'mobile.png'));
      const dark = await pngSize(path.join(out, 'dark.png'));
      expect([desktop.width, mobile.width, dark.width]).toEqual([800, 375, 600]);
      // A full page: the sample is far taller than one screen.
      for (const { height } of [desktop, mobile, dark]) expect(height).toBeGreaterThan(1500);
    },
  );

  it('says how to install Chromium and exits 1 when there is none', async () => {
    const root = await fixture({});
    const result = await runCli(['preview', '--screenshot', path.join(root, 'shots')], {
      cwd: root,
      env: { STORYLINE_CHROMIUM: path.join(root, 'no-such-chromium') },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'storyline needs Chromium for screenshots: install it with `sudo apt-get install -y chromium` (Debian, Ubuntu), or set STORYLINE_CHROMIUM to a Chromium or Chrome executable\n',
    );
  });

  it('exits 1 with the problems when the content cannot be rendered', async () => {
    const root = await sampleFixture();
    await writeFile(
      path.join(root, 'updates/2014-02-10-second-round-geneva.md'),
      '---\ndate: 2014-02-31\n---\n\nText.\n',
    );
    const result = await runCli(['preview', '--screenshot', path.join(root, 'shots')], {
      cwd: root,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'updates/2014-02-10-second-round-geneva.md:2:7: Unexpected day `31`',
    );
  });
});
