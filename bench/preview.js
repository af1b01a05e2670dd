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
import { appendFile, cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
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

/**
 * A story of `count` updates, four a day from 2014-01-23, and an archive
 * holding one finished edition with all of them but the newest: the pending
 * edition is the newest update alone, as in a story mailed one update at a
 * time, without that many edition records (reading the ledger is measured
 * by its own bench).
 */
async function generatedStory(count) {
  const root = await mkdtemp(path.join(tmpdir(), `storyline-bench-preview-${count}-`));
  for (const name of ['story.md', 'storyline.config.json', 'images', 'templates']) {
    await cp(path.join(repoRoot, name), path.join(root, name), { recursive: true });
  }
  await mkdir(path.join(root, 'updates'));
  const ids = [];
  for (let i = 0; i < count; i++) {
    // Afternoons in UTC: the same day in the config's America/New_York, as the file name says.
    const at = new Date(Date.UTC(2014, 0, 23 + Math.floor(i / 4), 13 + 2 * (i % 4))).toISOString();
    const day = at.slice(0, 10);
    const id = `${day}-talks-continue-${String(i + 1).padStart(4, '0')}`;
    ids.push(id);
    const body = [
      `Delegates met again on day ${i + 1}, with [the statement](https://example.org/${i}) and *a note* on the agenda.`,
      `Both sides said the next round would follow; mediators asked for patience (${i + 1}).`,
    ].join('\n\n');
    await writeFile(
      path.join(root, 'updates', `${id}.md`),
      `---\ndate: ${at.slice(0, 16)}:00Z\n---\n\n${body}\n`,
    );
  }
  const sent = ids.slice(0, -1);
  const last = sent.at(-1);
  await mkdir(path.join(root, 'archive', last), { recursive: true });
  await writeFile(
    path.join(root, 'archive', last, 'edition.json'),
    JSON.stringify({
      id: last,
      headline: 'Talks continue',
      subject: 'Talks continue',
      preheader: '',
      updates: [...sent].reverse(),
      earlierUpdates: [],
      shards: 1,
      startedAt: '2020-01-01T00:00:00.000Z',
      finishedAt: '2020-01-01T00:05:00.000Z',
      counts: { sent: 1, failed: 0, suppressed: 0, deferred: 0 },
      complete: true,
    }),
  );
  return { root, newest: `updates/${ids.at(-1)}.md` };
}

/**
 * Save→visible over `saves` appends to the newest update of a generated
 * story. Within the story limits the frame shows the sentence; past them
 * (5,000 updates is more than a story may hold) the page shows the problem
 * list instead, and the save counts as visible when that list is redrawn.
 */
async function scaleRun(browser, count, incremental, saves) {
  const { root, newest } = await generatedStory(count);
  const model = new PreviewModel(root, () => NOW, { incremental });
  const server = await startPreviewServer({ model, host: '127.0.0.1', port: 0 });
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  await page.goto(server.url);
  await page.waitForFunction(() => {
    const errors = document.getElementById('errors');
    const frame = document.getElementById('frame');
    return (errors && errors.childElementCount > 0) || frame?.contentDocument?.body?.textContent;
  });
  const ok = (await model.view()).ok;
  await page.evaluate(() => {
    window.seen = {};
    window.redrawn = [];
    const frame = document.getElementById('frame');
    frame.addEventListener('load', () => {
      const text = frame.contentDocument?.body?.textContent ?? '';
      for (const match of text.matchAll(/Scale save \d+ is here\./g))
        window.seen[match[0]] ??= Date.now();
    });
    new MutationObserver(() => window.redrawn.push(Date.now())).observe(
      document.getElementById('errors'),
      { childList: true, subtree: true },
    );
  });
  const samples = [];
  for (let i = 1; i <= saves; i++) {
    const sentence = `Scale save ${i} is here.`;
    const start = Date.now();
    await appendFile(path.join(root, newest), `\n${sentence}\n`);
    const handle = ok
      ? await page.waitForFunction((s) => window.seen[s], sentence, { timeout: 60_000 })
      : await page.waitForFunction((t) => window.redrawn.find((at) => at >= t), start, {
          timeout: 60_000,
        });
    samples.push(Number(await handle.jsonValue()) - start);
    // Let the redraw settle, so the next save is not coalesced with this one.
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await page.close();
  await server.close();
  await rm(root, { recursive: true, force: true });
  return { ok, stats: stats(samples) };
}

async function scale(browser) {
  process.stdout.write(`bench/preview at scale  ${loadAverage()}\n\n`);
  const rows = [];
  const results = [];
  for (const count of scaleCounts) {
    const before = await scaleRun(browser, count, false, SCALE_SAVES_BEFORE);
    const after = await scaleRun(browser, count, true, SCALE_SAVES);
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
