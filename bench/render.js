// bench/render: warm render time per edition and a cold `storyline build`
// process, for the sample story and for a generated story of 200 updates.
// Targets (issue 3): warm render of the sample ≤ 30 ms median; cold build
// ≤ 1.5 s; the 200-update story ≤ 5× the sample's warm time.
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import process from 'node:process';
import {
  kb,
  loadAverage,
  machine,
  ms,
  printTable,
  repoRoot,
  requireDist,
  stats,
  timeAsync,
  timeProcess,
  verdict,
} from './lib/measure.js';

requireDist();
const { loadProject } = await import('../dist/project/loadProject.js');
const { loadTemplate } = await import('../dist/render/loadTemplate.js');
const { planPendingEdition } = await import('../dist/edition/planEdition.js');
const { renderEdition } = await import('../dist/render/renderEdition.js');

/** A fixed clock after every generated date, so the future-date rule never fires. */
const NOW = '2026-11-27T12:00:00Z';
const WARMUP = 20;
const RUNS = 40;
const LOAD_RUNS = 10;
const COLD_RUNS = 7;
const GENERATED_UPDATES = 200;

const targets = { warmSampleMs: 30, coldBuildMs: 1500, ratio: 5 };

async function main() {
  process.stdout.write(`bench/render  ${machine()}\n\n`);
  const sample = await copySample(path.join(temp, 'sample'));
  const generated = await generateStory(path.join(temp, 'generated'), GENERATED_UPDATES);

  const stories = [
    { name: 'sample (1 update)', root: sample.root, expect: sample.expect },
    {
      name: `generated (${GENERATED_UPDATES} updates)`,
      root: generated.root,
      expect: generated.expect,
    },
  ];

  // Warm, in this process: load + plan, then render the pending edition again and again.
  for (const story of stories) {
    const now = new Date(NOW);
    const loadStart = performance.now();
    let loaded = await loadAndPlan(story.root, now);
    const firstLoad = performance.now() - loadStart;
    const again = await timeAsync(
      async () => {
        loaded = await loadAndPlan(story.root, now);
      },
      { warmup: 0, runs: LOAD_RUNS },
    );
    const { project, template, edition } = loaded;
    check(edition.id === story.expect.id, `${story.name}: edition ${edition.id}`);
    check(
      edition.newUpdates.length === story.expect.newUpdates &&
        edition.earlierUpdates.length === story.expect.earlierUpdates,
      `${story.name}: ${edition.newUpdates.length} new, ${edition.earlierUpdates.length} earlier`,
    );
    story.load = { first: firstLoad, again: stats(again) };
    story.edition = edition;
    story.render = await measureRender(edition, template, project.config);
    if (edition.earlierUpdates.length > project.config.earlierUpdates) {
      // For information: the same edition showing as many earlier updates as the config allows.
      const config = { ...project.config, earlierUpdates: 50 };
      story.renderMax = await measureRender(edition, template, config);
    }
  }

  // Cold: a whole `storyline build` process, next to Node starting and doing nothing.
  const bin = path.join(repoRoot, 'bin', 'storyline.js');
  const env = { ...process.env, STORYLINE_NOW: NOW };
  let outs = 0;
  const build = (story) => {
    const out = path.join(temp, 'out', String(outs++));
    const run = timeProcess([bin, 'build', '--root', story.root, '--out', out], {
      cwd: repoRoot,
      env,
    });
    return { ...run, out };
  };
  const baseline = { name: 'node -e "" (Node start-up)', runs: [] };
  for (const story of stories) story.cold = [];
  // One untimed round first so every process reads node_modules from the page cache.
  timeProcess(['-e', '']);
  for (const story of stories) {
    const { out } = build(story);
    const built = await readdir(out);
    check(
      built.length === 1 && built[0] === story.expect.id,
      `${story.name}: build wrote ${built.join(', ')}`,
    );
  }
  // Interleaved rounds, so a slow spell of the machine hits every row alike.
  for (let round = 0; round < COLD_RUNS; round++) {
    baseline.runs.push(timeProcess(['-e', '']));
    for (const story of stories) story.cold.push(build(story));
  }

  const [small, large] = stories;
  printTable(
    ['warm renderEdition', 'median', 'p90', 'min', 'runs', 'HTML', 'text', 'earlier shown'],
    [
      ...stories.map((s) => renderRow(s.name, s.render, s.edition, s.render.earlierShown)),
      ...stories
        .filter((s) => s.renderMax)
        .map((s) => renderRow(`${s.name}, earlierUpdates 50`, s.renderMax, s.edition, 50)),
    ],
  );
  printTable(
    [
      'load + plan (loadProject, loadTemplate, planPendingEdition)',
      'first',
      'median',
      'p90',
      'min',
    ],
    stories.map((s) => [
      s.name,
      ms(s.load.first),
      ms(s.load.again.median),
      ms(s.load.again.p90),
      ms(s.load.again.min),
    ]),
  );
  const base = stats(baseline.runs.map((r) => r.wall));
  const coldRow = (name, runs) => {
    const wall = stats(runs.map((r) => r.wall));
    const cpu = runs.every((r) => r.cpu !== undefined) ? stats(runs.map((r) => r.cpu)) : undefined;
    return [
      name,
      ms(wall.median),
      ms(wall.max),
      ms(wall.min),
      wall.n,
      runs === baseline.runs ? '—' : ms(wall.median - base.median),
      cpu ? ms(cpu.median) : '—',
    ];
  };
  printTable(
    ['cold process', 'wall median', 'worst', 'min', 'runs', 'minus node -e ""', 'CPU median'],
    [
      coldRow(baseline.name, baseline.runs),
      ...stories.map((s) => coldRow(`storyline build, ${s.name}`, s.cold)),
    ],
  );

  process.stdout.write(`${loadAverage()} at the end\n\n`);
  const ratio = large.render.stats.median / small.render.stats.median;
  verdict('warm render, sample, median', small.render.stats.median, targets.warmSampleMs, ms);
  for (const story of stories) {
    const cold = stats(story.cold.map((r) => r.wall));
    verdict(
      `cold build, ${story.name}, median (worst ${ms(cold.max)})`,
      cold.median,
      targets.coldBuildMs,
      ms,
    );
  }
  verdict(
    `warm render, ${large.name} / sample, medians ${ms(large.render.stats.median)} / ${ms(small.render.stats.median)}`,
    ratio,
    targets.ratio,
    (x) => `${x.toFixed(2)}×`,
  );
}

async function loadAndPlan(root, now) {
  const project = await loadProject(root, now);
  check(!project.failed && project.story, `${root} failed to load:\n${describe(project.files)}`);
  const template = await loadTemplate(project.root, project.config);
  check(template.template, `${root}: template failed:\n${describe(template.files)}`);
  const edition = planPendingEdition(project.story, new Set(project.sent), project.config);
  check(edition, `${root}: nothing pending`);
  return { project, template: template.template, edition };
}

async function measureRender(edition, template, config) {
  let last;
  const samples = await timeAsync(
    async () => {
      const result = await renderEdition(edition, template, config);
      check(result.ok, `render failed:\n${result.ok ? '' : describe(result.files)}`);
      last = result.rendered;
    },
    { warmup: WARMUP, runs: RUNS },
  );
  return {
    stats: stats(samples),
    html: Buffer.byteLength(last.html),
    text: Buffer.byteLength(last.text),
    earlierShown: Math.min(edition.earlierUpdates.length, config.earlierUpdates),
  };
}

function renderRow(name, render, edition, shown) {
  const { median, p90, min, n } = render.stats;
  const earlier = `${Math.min(shown, edition.earlierUpdates.length)} of ${edition.earlierUpdates.length}`;
  return [name, ms(median), ms(p90), ms(min), n, kb(render.html), kb(render.text), earlier];
}

/** The sample as a user's content root: no archive, so its one update is pending. */
async function copySample(root) {
  await mkdir(root, { recursive: true });
  for (const name of ['story.md', 'updates', 'storyline.config.json', 'images']) {
    await cp(path.join(repoRoot, name), path.join(root, name), { recursive: true });
  }
  return {
    root,
    expect: { id: '2014-02-10-second-round-geneva', newUpdates: 1, earlierUpdates: 0 },
  };
}

/**
 * The sample's story.md, config and image with `count` generated updates
 * over many days: 2–5 paragraphs each, some with links, some with times
 * (several a day), a few headline changes and corrections. The archive
 * marks all but the newest as mailed, so the pending edition has 1 new
 * update and count − 1 earlier ones, as a long-running story would.
 */
async function generateStory(root, count) {
  await mkdir(path.join(root, 'updates'), { recursive: true });
  for (const name of ['story.md', 'storyline.config.json', 'images']) {
    await cp(path.join(repoRoot, name), path.join(root, name), { recursive: true });
  }
  const random = mulberry32(20140122);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const ids = [];
  const counts = { days: 0, timed: 0, corrections: 0, headlines: 0, links: 0, bytes: 0 };
  let day = Date.UTC(2014, 0, 23);
  let minutes = 0; // latest time used on the current day, so times only go forward
  for (let i = 0; i < count; i++) {
    let step = i === 0 ? 0 : pick([0, 0, 0, 1, 1, 1, 1, 2, 3]);
    if (minutes > 20 * 60) step = Math.max(step, 1);
    if (i === 0 || step > 0) counts.days++;
    if (step > 0) {
      day += step * 86_400_000;
      minutes = 0;
    }
    const dayText = new Date(day).toISOString().slice(0, 10);
    // A later update the same day needs a time to sort after the first; others get one at random.
    const timed = minutes > 0 || random() < 0.35;
    let date = dayText;
    if (timed) {
      minutes = Math.max(minutes, 7 * 60) + 15 + Math.floor(random() * 90);
      const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
      const mm = String(minutes % 60).padStart(2, '0');
      // America/New_York, the config's time zone; daylight saving began 2014-03-09.
      const offset = dayText >= '2014-03-09' ? '-04:00' : '-05:00';
      date = `${dayText}T${hh}:${mm}:00${offset}`;
      counts.timed++;
    } else {
      minutes = 1;
    }
    const number = i + 1;
    const id = `${dayText}-${pick(slugs)}-${String(number).padStart(3, '0')}`;
    const front = [`date: ${date}`];
    if (number % 45 === 0) {
      front.push(`headline: ${pick(headlines)} (${number})`);
      counts.headlines++;
    }
    if (number % 29 === 0) {
      front.push('kind: correction');
      counts.corrections++;
    }
    if (random() < 0.2) front.push(`summary: ${sentence(random, pick)}`);
    const paragraphs = [];
    const paragraphCount = 2 + Math.floor(random() * 4);
    for (let p = 0; p < paragraphCount; p++) {
      const sentences = [];
      const sentenceCount = 2 + Math.floor(random() * 3);
      for (let s = 0; s < sentenceCount; s++) sentences.push(sentence(random, pick));
      if (random() < 0.25) {
        const source = pick(sources);
        sentences.push(`[${source.name} reported](${source.url}/${number}-${p}).`);
        counts.links++;
      }
      if (random() < 0.1) sentences[0] = `*${sentences[0]}*`;
      paragraphs.push(sentences.join(' '));
    }
    const text = `---\n${front.join('\n')}\n---\n\n${paragraphs.join('\n\n')}\n`;
    await writeFile(path.join(root, 'updates', `${id}.md`), text);
    counts.bytes += Buffer.byteLength(text);
    ids.push(id);
  }
  const span = `${ids[0].slice(0, 10)} to ${ids.at(-1).slice(0, 10)}`;
  const newest = ids.at(-1);
  const mailed = ids.slice(0, -1);
  // One finished edition holding all of them is enough for the ledger.
  const record = {
    id: mailed.at(-1),
    headline: 'Earlier editions',
    subject: 'Earlier editions',
    preheader: '',
    updates: mailed.toReversed(),
    earlierUpdates: [],
    shards: 1,
    startedAt: '2014-09-14T12:00:00.000Z',
    finishedAt: '2014-09-14T12:05:00.000Z',
    counts: { sent: 1, failed: 0, suppressed: 0, deferred: 0 },
    complete: true,
  };
  const edition = path.join(root, 'archive', record.id);
  await mkdir(edition, { recursive: true });
  await writeFile(path.join(edition, 'edition.json'), `${JSON.stringify(record, null, 2)}\n`);
  process.stdout.write(
    `generated story: ${count} updates on ${counts.days} days, ${span} (${kb(counts.bytes)} of markdown), ${counts.timed} with a time, ${counts.links} links, ${counts.headlines} headline changes, ${counts.corrections} corrections; all but the newest marked sent\n\n`,
  );
  return { root, expect: { id: newest, newUpdates: 1, earlierUpdates: count - 1 } };
}

function sentence(random, pick) {
  const words = [];
  const length = 10 + Math.floor(random() * 16);
  for (let w = 0; w < length; w++) words.push(pick(vocabulary));
  const text = words.join(' ');
  return `${text[0].toUpperCase()}${text.slice(1)}.`;
}

/** A small seeded generator, so every run benches the same story. */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function check(condition, message) {
  if (!condition) throw new Error(`bench/render: ${message}`);
}

function describe(files) {
  return files
    .flatMap((file) => file.messages.map((m) => `${file.path}:${m.line}:${m.column}: ${m.reason}`))
    .join('\n');
}

const vocabulary = (
  'the talks delegation opposition government envoy ceasefire aid convoy city civilians ' +
  'negotiators said on monday tuesday in geneva after a session that ended without agreement ' +
  'officials united nations red crescent reported humanitarian corridor weapons inspectors ' +
  'statement minister foreign spokesman according to both sides blamed each other for the ' +
  'violence while mediators urged patience and a second round is expected next week with ' +
  'observers from russia and the united states present at the table'
).split(' ');

const slugs = ['talks-resume', 'aid-convoy', 'ceasefire-holds', 'envoy-statement', 'homs-update'];

const headlines = [
  'Talks Stall as Both Sides Trade Blame',
  'Aid Reaches Besieged Homs',
  'Envoy Warns of Collapse in Geneva',
  'Second Round Ends Without Agreement',
];

const sources = [
  { name: 'the Associated Press', url: 'https://example.org/ap' },
  { name: 'the BBC', url: 'https://example.org/bbc' },
  { name: 'Al Jazeera', url: 'https://example.org/aljazeera' },
];

// Last, so every constant above is initialised before main() reads it.
// `node bench/render.js --generate DIR` only writes the generated story, for profiling a build.
const generateOnly = process.argv[2] === '--generate' ? process.argv[3] : undefined;
const temp = generateOnly ? undefined : await mkdtemp(path.join(tmpdir(), 'storyline-bench-'));
if (generateOnly) {
  await generateStory(path.resolve(generateOnly), GENERATED_UPDATES);
} else {
  try {
    await main();
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}
