// A generated story at scale and the preview's save→visible latency on it,
// shared by bench/preview (one edition record) and bench/scale (one record
// per update, as a story mailed one update at a time leaves).
import { appendFile, cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot, stats } from './measure.js';

const dist = (file) => import(pathToFileURL(path.join(repoRoot, 'dist', file)).href);

/**
 * A story of `count` updates, four a day from 2014-01-23, every one but the
 * newest already sent: the pending edition is the newest update alone.
 * `records: 'one'` writes one finished edition holding all the sent updates
 * (the ledger stays small, so only the content is measured); `records:
 * 'each'` writes one finished edition per sent update, in today's form (an
 * edition names only the updates it added), as a story mailed one update at
 * a time has. Resolves to the root, the newest update's path and the ids.
 */
export async function generatedStory(count, { records = 'one', dir = tmpdir() } = {}) {
  const root = await mkdtemp(path.join(dir, `storyline-bench-story-${count}-`));
  for (const name of ['story.md', 'storyline.config.json', 'images', 'templates']) {
    await cp(path.join(repoRoot, name), path.join(root, name), { recursive: true });
  }
  await mkdir(path.join(root, 'updates'));
  const ids = [];
  const times = [];
  for (let i = 0; i < count; i++) {
    const { id, at } = await writeUpdate(root, i);
    ids.push(id);
    times.push(at);
  }
  const sent = ids.slice(0, -1);
  const record = (id, updates, at) => ({
    id,
    headline: 'Talks continue',
    subject: 'Talks continue',
    preheader: '',
    updates,
    shards: 1,
    startedAt: at,
    finishedAt: at,
    counts: { sent: 1, failed: 0, suppressed: 0, deferred: 0 },
    complete: true,
  });
  const editions =
    records === 'each'
      ? sent.map((id, i) => record(id, [id], times[i]))
      : [record(sent.at(-1), [...sent].reverse(), '2020-01-01T00:00:00.000Z')];
  for (const edition of editions) {
    await mkdir(path.join(root, 'archive', edition.id), { recursive: true });
    await writeFile(
      path.join(root, 'archive', edition.id, 'edition.json'),
      `${JSON.stringify(edition)}\n`,
    );
  }
  return { root, newest: `updates/${ids.at(-1)}.md`, ids };
}

/**
 * Writes the i-th (0-based) update of a generated story into `root/updates/`,
 * four a day from 2014-01-23; resolves to its id and time.
 */
export async function writeUpdate(root, i) {
  // Afternoons in UTC: the same day in the config's America/New_York, as the file name says.
  const at = new Date(Date.UTC(2014, 0, 23 + Math.floor(i / 4), 13 + 2 * (i % 4))).toISOString();
  const id = `${at.slice(0, 10)}-talks-continue-${String(i + 1).padStart(4, '0')}`;
  const body = [
    `Delegates met again on day ${i + 1}, with [the statement](https://example.org/${i}) and *a note* on the agenda.`,
    `Both sides said the next round would follow; mediators asked for patience (${i + 1}).`,
  ].join('\n\n');
  await writeFile(
    path.join(root, 'updates', `${id}.md`),
    `---\ndate: ${at.slice(0, 16)}:00Z\n---\n\n${body}\n`,
  );
  return { id, at };
}

/**
 * Save→visible over `saves` appends to the newest update of a story, in a
 * page of `browser` (playwright-core) showing `storyline preview` of it.
 * Within the story limits the frame shows the sentence; past them (5,000
 * updates is more than a story may hold) the page shows the problem list
 * instead, and the save counts as visible when that list is redrawn.
 * `story` is a generatedStory's result, or the count of one to generate
 * (and remove afterwards).
 */
export async function scaleRun(browser, story, { incremental, saves, now }) {
  const { PreviewModel } = await dist('preview/PreviewModel.js');
  const { startPreviewServer } = await dist('preview/previewServer.js');
  const generated = typeof story === 'number' ? await generatedStory(story) : undefined;
  const { root, newest } = generated ?? story;
  const model = new PreviewModel(root, () => now, { incremental });
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
  if (generated) await rm(generated.root, { recursive: true, force: true });
  return { ok, stats: stats(samples) };
}
