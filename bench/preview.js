// bench/preview: save-to-visible latency of `storyline preview` in headless
// Chromium over 20 saves, as the page itself sees it (the frame's load event
// after the sentence appears), against the workflow without a live preview
// measured in the same run: save, run `storyline build`, reload email.html.
// Target (issue 4): median ≤ 300 ms.
// Then the same at scale (issue 15): generated stories of 1,000 and 5,000
// updates, every update but the newest already sent, saved with the
// incremental content cache and, in the same run, without it (every file
// re-parsed on each save, as before). Targets: median ≤ 150 ms at 1,000,
// ≤ 300 ms at 5,000. `--sample` runs only the first part, `--scale` only this one
// (`--updates N` at one size).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import {
  loadAverage,
  machine,
  ms,
  printTable,
  repoRoot,
  requireDist,
  stats,
  verdict,
} from './lib/measure.js';

requireDist();
const { PreviewModel } = await import('../dist/preview/PreviewModel.js');
const { startPreviewServer } = await import('../dist/preview/previewServer.js');
const { scaleRun } = await import('./lib/previewScale.js');
const { chromiumArgs, findChromium } = await import('../dist/preview/findChromium.js');

const SAVES = 20;
const BASELINE_SAVES = 5;
const UPDATE = 'updates/2014-02-10-second-round-geneva.md';
const target = 300;
const SCALE_SAVES = 15;
const SCALE_SAVES_BEFORE = 4;
const scaleTargets = { 1000: 150, 5000: 300 };
// `--updates 1000` measures one size only.
const updatesArg = process.argv[process.argv.indexOf('--updates') + 1];
const scaleCounts = process.argv.includes('--updates') ? [Number(updatesArg)] : [1000, 5000];
const NOW = new Date('2030-01-01T12:00:00Z');

const executablePath = findChromium(process.env);
if (!executablePath) {
  process.stdout.write(
    'bench/preview: skipped: no Chromium (apt-get install chromium, or set STORYLINE_CHROMIUM)\n',
  );
  process.exit(0);
}

async function sampleCopy() {
  const dir = await mkdtemp(path.join(tmpdir(), 'storyline-bench-preview-'));
  for (const name of ['story.md', 'updates', 'storyline.config.json', 'images', 'templates']) {
    await cp(path.join(repoRoot, name), path.join(dir, name), { recursive: true });
  }
  return dir;
}

async function main() {
  process.stdout.write(`bench/preview  ${machine()}\n\n`);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath, args: chromiumArgs });

  // Live preview: the page reloads the frame itself after each save.
  const root = await sampleCopy();
  const model = new PreviewModel(root, () => new Date('2014-03-01T12:00:00Z'));
  const server = await startPreviewServer({ model, host: '127.0.0.1', port: 0 });
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  await page.goto(server.url);
  await page
    .frameLocator('#frame')
    .getByText('Second Round Of Syrian Peace Talks Under Way in Geneva')
    .first()
    .waitFor();
  await page.evaluate(() => {
    window.seen = {};
    const frame = document.getElementById('frame');
    frame.addEventListener('load', () => {
      const text = frame.contentDocument?.body?.textContent ?? '';
      for (const match of text.matchAll(/Bench save \d+ is here\./g))
        window.seen[match[0]] ??= Date.now();
    });
  });
  const live = [];
  for (let i = 1; i <= SAVES; i++) {
    const sentence = `Bench save ${i} is here.`;
    const start = Date.now();
    await appendFile(path.join(root, UPDATE), `\n${sentence}\n`);
    const handle = await page.waitForFunction((s) => window.seen[s], sentence, { timeout: 10_000 });
    live.push(Number(await handle.jsonValue()) - start);
  }
  await page.close();
  await server.close();

  // Without the preview: save, build, reload the built file.
  const other = await sampleCopy();
  const out = path.join(other, 'out');
  const built = path.join(out, '2014-02-10-second-round-geneva', 'email.html');
  const reloadPage = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const baseline = [];
  for (let i = 1; i <= BASELINE_SAVES; i++) {
    const sentence = `Rebuilt save ${i} is here.`;
    const start = Date.now();
    await appendFile(path.join(other, UPDATE), `\n${sentence}\n`);
    const build = spawnSync(
      process.execPath,
      [path.join(repoRoot, 'bin/storyline.js'), 'build', '--root', other, '--out', out],
      {
        env: { ...process.env, STORYLINE_NOW: '2014-03-01T12:00:00Z' },
      },
    );
    if (build.status !== 0 || !existsSync(built))
      throw new Error(`storyline build failed: ${build.stderr}`);
    await reloadPage.goto(pathToFileURL(built).href);
    await reloadPage.getByText(sentence).waitFor();
    baseline.push(Date.now() - start);
  }
  await browser.close();

  const a = stats(live);
  const b = stats(baseline);
  printTable(
    ['save to visible', 'median', 'p90', 'worst', 'best', 'saves'],
    [
      ['storyline preview (live reload)', ms(a.median), ms(a.p90), ms(a.max), ms(a.min), a.n],
      ['save, storyline build, reload', ms(b.median), ms(b.p90), ms(b.max), ms(b.min), b.n],
    ],
  );
  process.stdout.write(
    `live preview is ${(b.median / a.median).toFixed(1)}× faster than rebuilding by hand\n`,
  );
  process.stdout.write(`${loadAverage()} at the end\n\n`);
  verdict('preview save-to-visible, median', a.median, target, ms);
}

async function scale(browser) {
  process.stdout.write(`bench/preview at scale  ${loadAverage()}\n\n`);
  const rows = [];
  const results = [];
  for (const count of scaleCounts) {
    const before = await scaleRun(browser, count, {
      incremental: false,
      saves: SCALE_SAVES_BEFORE,
      now: NOW,
    });
    const after = await scaleRun(browser, count, {
      incremental: true,
      saves: SCALE_SAVES,
      now: NOW,
    });
    results.push({ count, after });
    const shown = after.ok ? 'the email' : 'the problem list';
    for (const [name, run] of [
      ['every file re-parsed (before)', before],
      ['changed files re-parsed', after],
    ]) {
      const { median, p90, max, min, n } = run.stats;
      rows.push([`${count} updates, ${name}`, shown, ms(median), ms(p90), ms(max), ms(min), n]);
    }
  }
  printTable(['save to visible', 'shows', 'median', 'p90', 'worst', 'best', 'saves'], rows);
  process.stdout.write(`${loadAverage()} at the end\n\n`);
  for (const { count, after } of results) {
    if (!scaleTargets[count]) continue;
    verdict(
      `preview save-to-visible at ${count} updates, median`,
      after.stats.median,
      scaleTargets[count],
      ms,
    );
  }
}

if (!process.argv.includes('--scale')) await main();
if (!process.argv.includes('--sample')) {
  const { chromium } = await import('playwright-core');
  const scaleBrowser = await chromium.launch({ executablePath, args: chromiumArgs });
  await scale(scaleBrowser);
  await scaleBrowser.close();
}
