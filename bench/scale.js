// bench/scale: storyline at issue 15's sizes, in one run.
// - git: the git ledger (CSV list, SMTP to a loopback smtp-server sink in its
//   own process, rate 0, concurrency 10) at 100,000 and 1,000,000
//   recipients: a full send (time, msg/s, peak RSS, journal bytes per
//   recipient once compacted); a send SIGKILLed when ~40% reached the sink
//   (the uncompacted journal's bytes per recipient), `send --dry-run` on that
//   partial journal (time, peak RSS), and the resume (peak RSS, and the
//   sink's tally: every address exactly once but the in-flight ones the
//   resume reports, none missing);
// - pg: the PostgreSQL ledger at 1,000,000 subscribers in the store, with 1
//   and with 4 `storyline send` processes on one project root (msg/s, peak
//   RSS per process, the tally; in the 4-process run one is SIGKILLed part-way);
//   a build whose send refuses a second process says so and skips it;
// - content: a story of 1,000 and 5,000 updates, one finished edition per
//   update: `check` (time, peak RSS), preview save→visible (bench/lib/previewScale.js)
//   and `publish` of the one pending update (outbox transport);
// - baseline: the plain nodemailer loop (bench/lib/baselineSend.js) and
//   `storyline send` at 10,000, side by side, for the ratio.
//
// `node bench/scale.js [--quick] [--only git,pg,content,baseline]
//   [--sizes N,N] [--pg N] [--updates N,N] [--baseline N] [--json FILE]`
// Full sizes by default (40–60 minutes on 2 cores); --quick: 10,000
// recipients, 100,000 in PostgreSQL, 200 and 500 updates. --sizes sets the
// git part's recipient counts, --pg the store's, --updates the stories'.
// Every CLI process runs under bench/lib/measured.js (its peak RSS and CPU).
// Benchmarks inform; a figure off target is printed, not an exit code.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import {
  copyFile,
  cp,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { parseArgs } from 'node:util';
import { loadAverage, machine, printTable, repoRoot, requireDist } from './lib/measure.js';
import { findPostgresBin, startPostgresCluster } from './lib/postgresCluster.js';
import { generatedStory, scaleRun, writeUpdate } from './lib/previewScale.js';
import { startSink } from './lib/sinkProcess.js';
import { writeList } from './lib/subscriberList.js';

requireDist();

const SECRET = 'bench-secret-not-a-real-key';
const CONCURRENCY = 10;
/** Share of the list at the sink when a send is killed. */
const KILL_AT = 0.4;
const PREVIEW_SAVES = 15;
const PREVIEW_NOW = new Date('2030-01-01T12:00:00Z');
/** What `storyline send` prints about recipients a stopped run left in flight. */
const inFlightWarning = /warning: ([\d,]+) recipients? (?:was|were) being sent to/;
/** What a second `storyline send` of one edition says when the send lock refuses it. */
const lockRefusal = /another storyline send/;

const sizes = {
  full: { git: [100_000, 1_000_000], pg: 1_000_000, updates: [1000, 5000], baseline: 10_000 },
  quick: { git: [10_000], pg: 100_000, updates: [200, 500], baseline: 10_000 },
};
const parts = ['baseline', 'git', 'pg', 'content'];

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    sizes: { type: 'string' },
    pg: { type: 'string' },
    updates: { type: 'string' },
    baseline: { type: 'string' },
    json: { type: 'string' },
  },
});
const wholeNumbers = (name, text) =>
  text.split(',').map((item) => {
    const value = Number(item.replaceAll('_', ''));
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`--${name} takes whole numbers ≥ 1, comma-separated`);
    return value;
  });
const base = flags.quick ? sizes.quick : sizes.full;
const plan = {
  git: flags.sizes ? wholeNumbers('sizes', flags.sizes) : base.git,
  pg: flags.pg ? wholeNumbers('pg', flags.pg)[0] : base.pg,
  updates: flags.updates ? wholeNumbers('updates', flags.updates) : base.updates,
  baseline: flags.baseline ? wholeNumbers('baseline', flags.baseline)[0] : base.baseline,
};
const only = flags.only ? flags.only.split(',') : parts;
const unknownParts = only.filter((part) => !parts.includes(part));
if (unknownParts.length > 0)
  throw new Error(`--only takes ${parts.join(', ')}; not ${unknownParts.join(', ')}`);

const bin = path.join(repoRoot, 'bin', 'storyline.js');
const measuredScript = path.join(repoRoot, 'bench', 'lib', 'measured.js');
const baselineScript = path.join(repoRoot, 'bench', 'lib', 'baselineSend.js');
const temp = await mkdtemp(path.join(tmpdir(), 'storyline-bench-scale-'));
const sampleConfig = JSON.parse(
  await readFile(path.join(repoRoot, 'storyline.config.json'), 'utf8'),
);
const figures = {
  machine: machine(),
  quick: flags.quick,
  plan,
  startedAt: new Date().toISOString(),
};
let sink;
let cluster;

async function main() {
  const started = performance.now();
  process.stdout.write(`bench/scale  ${machine()}\n`);
  process.stdout.write(`${flags.quick ? 'quick' : 'full'} sizes: ${JSON.stringify(plan)}\n\n`);
  sink = await startSink({ tally: true });
  for (const part of parts) {
    if (!only.includes(part)) continue;
    process.stdout.write(`-- ${part}  ${loadAverage()}\n\n`);
    const partStarted = performance.now();
    figures[part] = await { baseline, git, pg, content }[part]();
    process.stdout.write(`(${part} took ${seconds(performance.now() - partStarted)})\n\n`);
    await saveJson();
  }
  figures.finishedAt = new Date().toISOString();
  figures.loadAtEnd = loadAverage();
  await saveJson();
  process.stdout.write(
    `${loadAverage()} at the end; bench took ${seconds(performance.now() - started)}\n`,
  );
}

// ---------------------------------------------------------------- baseline

async function baseline() {
  const count = plan.baseline;
  const list = await listOf(count);
  // The baseline mails what `storyline build` wrote for the same edition.
  const buildRoot = await projectRoot('build');
  const built = path.join(temp, 'built');
  mustExit0('build', await runCli(['build', '--root', buildRoot, '--out', built], {}));
  const [editionId] = await readdir(built);
  const builtEdition = path.join(built, editionId);
  const { subject } = JSON.parse(await readFile(path.join(builtEdition, 'edition.json'), 'utf8'));

  const rows = [];
  const runs = {};
  // Ours, then the baseline right after it, so a slow spell hits both alike.
  for (const name of ['storyline send', 'nodemailer loop (baseline)']) {
    await sink.ask('reset');
    const run =
      name === 'storyline send'
        ? await runCli(['send', '--root', await projectRoot('ours'), '--subscribers', list], smtp())
        : await runMeasured(
            baselineScript,
            [
              ...['--csv', list, '--port', String(sink.port)],
              ...['--html', path.join(builtEdition, 'email.html')],
              ...['--text', path.join(builtEdition, 'email.txt')],
              ...['--subject', subject, '--from', sampleConfig.from],
              ...['--connections', String(CONCURRENCY)],
              ...['--unsubscribe', sampleConfig.unsubscribe.url],
              ...['--mailto', sampleConfig.unsubscribe.mailto],
            ],
            smtp(),
          );
    mustExit0(name, run);
    const received = await sink.ask('stats');
    check(received.count === count, `${name}: the sink got ${received.count}, expected ${count}`);
    runs[name] = sendFigures(run, received, count);
    rows.push([
      name,
      count.toLocaleString('en-US'),
      seconds(run.wallMs),
      runs[name].rate.toFixed(0),
      runs[name].cpuMsPerMessage.toFixed(3),
      mb(run.usage.maxRssKb),
    ]);
  }
  printTable(['run', 'messages', 'wall', 'msg/s', 'CPU ms/msg', 'peak RSS'], rows);
  const ratio = runs['storyline send'].rate / runs['nodemailer loop (baseline)'].rate;
  process.stdout.write(
    `storyline send / baseline: ${ratio.toFixed(2)}× the messages a second over the send phase (concurrency ${CONCURRENCY} both)\n`,
  );
  return {
    count,
    ours: runs['storyline send'],
    baseline: runs['nodemailer loop (baseline)'],
    ratio,
  };
}

// ---------------------------------------------------------------- git ledger

async function git() {
  const results = [];
  for (const count of plan.git) {
    const list = await listOf(count);
    const result = { count };

    // A full send.
    const fullRoot = await projectRoot(`git-${count}-full`);
    await sink.ask('reset');
    const full = await runCli(['send', '--root', fullRoot, '--subscribers', list], smtp());
    mustExit0(`send to ${count}`, full);
    result.full = {
      ...sendFigures(full, await sink.ask('stats'), count),
      ...tallyFigures(await sink.ask('tally', { expected: count }), 0),
      journalBytesPerRecipient: (await journalBytes(fullRoot)) / count,
    };
    await rm(fullRoot, { recursive: true, force: true });

    // Killed part-way, a dry run on what it left, then the resume.
    const root = await projectRoot(`git-${count}-resume`);
    await sink.ask('reset');
    const killed = startMeasured(bin, ['send', '--root', root, '--subscribers', list], smtp());
    const atKill = await killWhenSinkHas(killed, Math.floor(count * KILL_AT));
    result.killedAt = atKill;
    result.uncompactedJournalBytesPerRecipient = (await journalBytes(root)) / count;
    const dry = await runCli(['send', '--dry-run', '--root', root, '--subscribers', list], smtp());
    mustExit0('dry run', dry);
    result.dryRun = {
      wallMs: dry.wallMs,
      cpuMs: dry.usage.cpuMs,
      peakRssMb: dry.usage.maxRssKb / 1024,
    };
    const resume = await runCli(['send', '--root', root, '--subscribers', list], smtp());
    mustExit0(`resume of ${count}`, resume);
    const reported = inFlightReported(resume.stderr);
    result.resume = {
      wallMs: resume.wallMs,
      cpuMs: resume.usage.cpuMs,
      peakRssMb: resume.usage.maxRssKb / 1024,
      ...tallyFigures(await sink.ask('tally', { expected: count }), reported),
      journalBytesPerRecipient: (await journalBytes(root)) / count,
    };
    await rm(root, { recursive: true, force: true });
    results.push(result);
  }

  printTable(
    ['git ledger', 'wall', 'msg/s', 'CPU ms/msg', 'peak RSS', 'journal B/recipient'],
    results.flatMap((r) => [
      [
        `send, ${r.count.toLocaleString('en-US')}`,
        seconds(r.full.wallMs),
        r.full.rate.toFixed(0),
        r.full.cpuMsPerMessage.toFixed(3),
        `${r.full.peakRssMb.toFixed(0)} MB`,
        `${r.full.journalBytesPerRecipient.toFixed(1)} (compacted)`,
      ],
      [
        `  killed at ${r.killedAt.toLocaleString('en-US')}`,
        '',
        '',
        '',
        '',
        `${r.uncompactedJournalBytesPerRecipient.toFixed(1)} (uncompacted)`,
      ],
      [
        '  send --dry-run on it',
        seconds(r.dryRun.wallMs),
        '',
        '',
        `${r.dryRun.peakRssMb.toFixed(0)} MB`,
        '',
      ],
      [
        '  resume',
        seconds(r.resume.wallMs),
        '',
        '',
        `${r.resume.peakRssMb.toFixed(0)} MB`,
        `${r.resume.journalBytesPerRecipient.toFixed(1)} (compacted)`,
      ],
    ]),
  );
  for (const r of results) {
    process.stdout.write(
      `${r.count.toLocaleString('en-US')}: full send exactly once: ${onceWords(r.full)}; after kill and resume exactly once: ${onceWords(r.resume)}\n`,
    );
  }
  process.stdout.write('\n');
  return results;
}

/** SIGKILLs a measured process once the sink has `target` messages; resolves to the sink's count then. */
async function killWhenSinkHas(running, target) {
  for (;;) {
    if (running.child.exitCode !== null)
      throw new Error(`the send exited (${running.child.exitCode}) before ${target} messages`);
    const { count } = await sink.ask('stats');
    if (count >= target) {
      running.child.kill('SIGKILL');
      await running.result;
      return (await sink.ask('stats')).count;
    }
    await sleep(100);
  }
}

// ---------------------------------------------------------------- PostgreSQL ledger

async function pg() {
  const postgres = findPostgresBin();
  if (!('bin' in postgres)) {
    process.stdout.write(`PostgreSQL part skipped: ${postgres.missing}\n\n`);
    return { skipped: postgres.missing };
  }
  const count = plan.pg;
  cluster = await startPostgresCluster(postgres.bin);
  const { default: pgModule } = await import('pg');
  const admin = new pgModule.Client({ connectionString: cluster.url });
  await admin.connect();
  const urlOf = (database) => {
    const url = new URL(cluster.url);
    url.pathname = `/${database}`;
    return url.href;
  };
  const result = { count };
  try {
    // `subscribers import` of one row creates the schema the way a user's
    // store gets it; the rest are that row's columns under generated
    // addresses, by SQL (import makes several round trips a row: 742 s a
    // million in bench/store). Each run then gets a copy of this database.
    await admin.query('CREATE DATABASE seed');
    const seedRoot = await projectRoot('pg-seed');
    const importStarted = performance.now();
    mustExit0(
      'import',
      await runCli(['subscribers', 'import', await listOf(1), '--root', seedRoot], {
        STORYLINE_DATABASE_URL: urlOf('seed'),
      }),
    );
    const seed = new pgModule.Client({ connectionString: urlOf('seed') });
    await seed.connect();
    await seed.query(
      `INSERT INTO subscribers (address, name, attributes, status, source, created_at, changed_at)
       SELECT 'reader' || lpad(i::text, 7, '0') || '@example.org', 'Reader ' || i,
              t.attributes, t.status, t.source, t.created_at, t.changed_at
       FROM generate_series(1, $1::int - 1) AS i, (SELECT * FROM subscribers LIMIT 1) AS t`,
      [count],
    );
    const { rows } = await seed.query(
      "SELECT count(*)::int AS n FROM subscribers WHERE status = 'active'",
    );
    await seed.end();
    check(
      rows[0].n === count,
      `the store holds ${rows[0].n} active subscribers, expected ${count}`,
    );
    result.fillMs = performance.now() - importStarted;
    process.stdout.write(
      `${count.toLocaleString('en-US')} subscribers in the store in ${seconds(result.fillMs)}\n\n`,
    );
    await admin.query('CREATE DATABASE one TEMPLATE seed');
    await admin.query('CREATE DATABASE four TEMPLATE seed');

    result.one = await pgRun(1, urlOf('one'), count);
    result.four = await pgRun(4, urlOf('four'), count);
  } finally {
    await admin.end();
  }

  const rowsOut = [];
  for (const run of [result.one, result.four]) {
    if (run.unavailable) {
      rowsOut.push([
        `${run.processes} process${run.processes === 1 ? '' : 'es'}`,
        'PostgreSQL ledger not available in this build',
        '',
        '',
        '',
      ]);
      continue;
    }
    rowsOut.push([
      `${run.processes} process${run.processes === 1 ? '' : 'es'}${run.killed !== undefined ? ', 1 killed' : ''}`,
      seconds(run.wallMs),
      run.rate.toFixed(0),
      run.peakRssMb.map((v) => (v === undefined ? 'killed' : `${v.toFixed(0)} MB`)).join(' / '),
      onceWords(run),
    ]);
  }
  printTable(
    ['PostgreSQL ledger', 'wall', 'msg/s', 'peak RSS per process', 'exactly once'],
    rowsOut,
  );
  for (const run of [result.one, result.four]) {
    if (run.printed?.length) {
      process.stdout.write(
        `warnings of the ${run.processes}-process run (the killed process's left out):\n`,
      );
      for (const line of run.printed) process.stdout.write(`  ${line}\n`);
    }
    if (run.nextRun) process.stdout.write(`  a next run was needed to finish: ${run.nextRun}\n`);
  }
  process.stdout.write('\n');
  return result;
}

/**
 * `processes` concurrent sends of one edition on one root, the store at
 * `url`; with more than one, the second is SIGKILLed when ~40% reached the
 * sink. Processes the send lock refuses mean this build has no PostgreSQL
 * ledger: the others are stopped and the run reported as unavailable.
 */
async function pgRun(processes, url, count) {
  const root = await projectRoot(`pg-${processes}`);
  const env = { ...smtp(), STORYLINE_DATABASE_URL: url };
  await sink.ask('reset');
  const started = performance.now();
  const running = Array.from({ length: processes }, () =>
    startMeasured(bin, ['send', '--root', root], env),
  );
  const victim = processes > 1 ? running[1] : undefined;
  let killedAt;
  let refused = false;
  for (;;) {
    const exited = running.filter((r) => r.child.exitCode !== null || r.child.signalCode !== null);
    if (
      running.some(
        (r) => r.child.exitCode !== null && r.child.exitCode !== 0 && lockRefusal.test(r.stderr()),
      )
    ) {
      refused = true;
      break;
    }
    if (exited.length === running.length) break;
    if (victim && killedAt === undefined) {
      const { count: atSink } = await sink.ask('stats');
      if (atSink >= count * KILL_AT) {
        victim.child.kill('SIGKILL');
        killedAt = atSink;
      }
    }
    await sleep(100);
  }
  if (refused) {
    for (const r of running) r.child.kill('SIGKILL');
    await Promise.all(running.map((r) => r.result));
    process.stdout.write(
      `PostgreSQL ledger not available in this build: a second \`storyline send\` on the same edition was refused by the send lock (${processes} processes); skipped\n\n`,
    );
    await rm(root, { recursive: true, force: true });
    return { processes, unavailable: true };
  }
  const done = await Promise.all(running.map((r) => r.result));
  const wallMs = performance.now() - started;
  for (const [i, run] of done.entries()) {
    if (running[i] !== victim) mustExit0(`send ${i + 1} of ${processes}`, run);
  }
  let reported = done.reduce((sum, run) => sum + inFlightReported(run.stderr), 0);
  // Every warning, not only the in-flight count: what the others say about a killed peer.
  const warnings = (stderr) => stderr.split('\n').filter((line) => line.startsWith('warning:'));
  const printed = done.flatMap((run, i) => (running[i] === victim ? [] : warnings(run.stderr)));
  const received = await sink.ask('stats');
  let nextRun;
  // The contract lets the next run pick up a killed process's rows instead of the others.
  if (received.count < count && victim) {
    const next = await runCli(['send', '--root', root], env);
    mustExit0('the next run', next);
    reported += inFlightReported(next.stderr);
    printed.push(...warnings(next.stderr));
    nextRun = `sent ${((await sink.ask('stats')).count - received.count).toLocaleString('en-US')} more`;
  }
  const tally = tallyFigures(await sink.ask('tally', { expected: count }), reported);
  // Over the edition: to the last message, the next run's if there was one.
  const { sendPhaseMs } = await sink.ask('stats');
  await rm(root, { recursive: true, force: true });
  return {
    processes,
    wallMs,
    rate: count / (sendPhaseMs / 1000),
    peakRssMb: done.map((run) => (run.usage ? run.usage.maxRssKb / 1024 : undefined)),
    killed: victim ? killedAt : undefined,
    printed,
    nextRun,
    ...tally,
  };
}

// ---------------------------------------------------------------- content

async function content() {
  const { findChromium, chromiumArgs } = await import('../dist/preview/findChromium.js');
  const executablePath = findChromium(process.env);
  let browser;
  if (executablePath) {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath, args: chromiumArgs });
  } else {
    process.stdout.write(
      'preview skipped: no Chromium (apt-get install chromium, or set STORYLINE_CHROMIUM)\n\n',
    );
  }
  const results = [];
  try {
    for (const count of plan.updates) {
      const story = await generatedStory(count, { records: 'each', dir: temp });
      const result = { count, recordBytes: await recordBytes(story.root) };
      const checked = await runCli(['check', '--root', story.root], {});
      check(
        checked.code === 0 || checked.code === 1,
        `check exited ${checked.code}:\n${checked.stderr}`,
      );
      result.check = {
        code: checked.code,
        wallMs: checked.wallMs,
        cpuMs: checked.usage.cpuMs,
        peakRssMb: checked.usage.maxRssKb / 1024,
        storySize: /story-size/.test(checked.stdout + checked.stderr),
      };
      if (browser) {
        const preview = await scaleRun(browser, story, {
          incremental: true,
          saves: PREVIEW_SAVES,
          now: PREVIEW_NOW,
        });
        result.preview = { shows: preview.ok ? 'the email' : 'the problem list', ...preview.stats };
      }
      await copyFile(
        path.join(repoRoot, 'subscribers.example.csv'),
        path.join(story.root, 'subscribers.example.csv'),
      );
      // The generated archive has records but no edition pages, so the first
      // publish also renders a page for every edition (once, as after an
      // upgrade); the second, of one more update, is what each publish costs.
      const publishOnce = async () => {
        // No SMTP_URL: the outbox transport.
        const run = await runCli(['publish', '--root', story.root], { SMTP_URL: undefined });
        return {
          code: run.code,
          wallMs: run.wallMs,
          cpuMs: run.usage.cpuMs,
          peakRssMb: run.usage.maxRssKb / 1024,
          pages: await pageBytes(story.root),
          ...(run.code === 0 ? {} : { error: lastLines(run.stderr, 3) }),
        };
      };
      result.firstPublish = await publishOnce();
      if (result.firstPublish.code === 0) {
        await writeUpdate(story.root, count);
        result.publish = await publishOnce();
      }
      await rm(story.root, { recursive: true, force: true });
      results.push(result);
    }
  } finally {
    await browser?.close();
  }
  const publishCell = (p) =>
    p
      ? `${seconds(p.wallMs)} (${seconds(p.cpuMs)}) / ${p.peakRssMb.toFixed(0)} MB${p.code === 0 ? '' : ` exit ${p.code}`}`
      : '–';
  printTable(
    [
      'content',
      'records',
      'check (CPU)',
      'check RSS',
      'preview median / p90',
      'first publish (CPU) / RSS',
      'publish (CPU) / RSS',
      'page / feed.xml / feed.json',
    ],
    results.map((r) => [
      `${r.count.toLocaleString('en-US')} updates`,
      `${(r.recordBytes / 1024).toFixed(0)} KB`,
      `${seconds(r.check.wallMs)} (${seconds(r.check.cpuMs)})${r.check.code === 0 ? '' : ` exit ${r.check.code}${r.check.storySize ? ', story-size' : ''}`}`,
      `${r.check.peakRssMb.toFixed(0)} MB`,
      r.preview
        ? `${r.preview.median.toFixed(0)} / ${r.preview.p90.toFixed(0)} ms${r.preview.shows === 'the email' ? '' : ' (problem list)'}`
        : 'skipped',
      publishCell(r.firstPublish),
      publishCell(r.publish),
      (r.publish ?? r.firstPublish).pages
        .map((bytes) => (bytes === undefined ? '–' : `${(bytes / 1024).toFixed(0)} KB`))
        .join(' / '),
    ]),
  );
  process.stdout.write(
    'first publish: also renders the page of every edition the generated archive has none for; publish: the next update, one edition.\n',
  );
  for (const r of results) {
    const error = r.publish?.error ?? r.firstPublish.error;
    if (error) process.stdout.write(`publish at ${r.count}: ${error}\n`);
  }
  return results;
}

/** Bytes of every edition record in the archive. */
async function recordBytes(root) {
  let total = 0;
  for (const name of await readdir(path.join(root, 'archive'))) {
    const file = path.join(root, 'archive', name, 'edition.json');
    if (existsSync(file)) total += (await stat(file)).size;
  }
  return total;
}

/** The living page and the two feeds after a publish (undefined: not written). */
async function pageBytes(root) {
  const sizes = [];
  for (const name of ['index.html', 'feed.xml', 'feed.json']) {
    const file = path.join(root, 'archive', name);
    sizes.push(existsSync(file) ? (await stat(file)).size : undefined);
  }
  return sizes;
}

// ---------------------------------------------------------------- helpers

/** A generated list of `count`, written once per run. */
const lists = new Map();
async function listOf(count) {
  if (!lists.has(count))
    lists.set(count, await writeList(path.join(temp, `subscribers-${count}.csv`), count));
  return lists.get(count);
}

/** The sample as a user's content root, at rate 0 and concurrency 10. */
async function projectRoot(name) {
  const root = await mkdtemp(path.join(temp, `${name}-`));
  for (const item of ['story.md', 'updates', 'images']) {
    await cp(path.join(repoRoot, item), path.join(root, item), { recursive: true });
  }
  const send = { ...sampleConfig.send, rate: 0, concurrency: CONCURRENCY };
  await writeFile(
    path.join(root, 'storyline.config.json'),
    `${JSON.stringify({ ...sampleConfig, send }, null, 2)}\n`,
  );
  return root;
}

/** Bytes of every journal under the root's archive. */
async function journalBytes(root) {
  let total = 0;
  for (const edition of await readdir(path.join(root, 'archive'), { withFileTypes: true })) {
    if (!edition.isDirectory()) continue;
    const dir = path.join(root, 'archive', edition.name);
    for (const name of await readdir(dir)) {
      if (/^deliveries(\.\d+-of-\d+)?\.jsonl$/.test(name))
        total += (await stat(path.join(dir, name))).size;
    }
  }
  return total;
}

const smtp = () => ({ SMTP_URL: `smtp://127.0.0.1:${sink.port}` });

/**
 * Starts `script` under bench/lib/measured.js; `result` resolves when it
 * exits to its code, signal, wall time, output and usage (undefined when
 * killed: the usage is written at exit). `env` entries set to undefined are
 * removed.
 */
function startMeasured(script, args, env) {
  const out = path.join(temp, `measured-${process.hrtime.bigint()}.json`);
  const merged = { ...process.env, STORYLINE_SECRET: SECRET };
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete merged[name];
    else merged[name] = value;
  }
  // A bench run from a shell with a store set would otherwise send from it.
  if (!('STORYLINE_DATABASE_URL' in env)) delete merged.STORYLINE_DATABASE_URL;
  const started = performance.now();
  const child = spawn(process.execPath, [measuredScript, out, script, ...args], {
    cwd: repoRoot,
    env: merged,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    stdout = (stdout + chunk).slice(-100_000);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-100_000);
  });
  const result = once(child, 'exit').then(async ([code, signal]) => {
    const wallMs = performance.now() - started;
    const usage = existsSync(out) ? JSON.parse(await readFile(out, 'utf8')) : undefined;
    return { code, signal, wallMs, stdout, stderr, usage };
  });
  return { child, result, stderr: () => stderr };
}

const runMeasured = (script, args, env) => startMeasured(script, args, env).result;
const runCli = (args, env) => runMeasured(bin, args, env);

function mustExit0(name, run) {
  if (run.code !== 0)
    throw new Error(
      `bench/scale: ${name} exited with ${run.code ?? run.signal}:\n${lastLines(run.stderr, 20)}`,
    );
}

/** Messages a second over the sink's send phase, CPU per message, peak RSS. */
function sendFigures(run, received, count) {
  return {
    wallMs: run.wallMs,
    sendPhaseMs: received.sendPhaseMs,
    rate: count / (received.sendPhaseMs / 1000),
    cpuMs: run.usage.cpuMs,
    cpuMsPerMessage: run.usage.cpuMs / count,
    peakRssMb: run.usage.maxRssKb / 1024,
  };
}

/** Exactly once: no address missing, and no more copies beyond one than recipients reported in flight. */
function tallyFigures(tally, reported) {
  return {
    missing: tally.missing,
    duplicates: tally.duplicates,
    unexpected: tally.unexpected,
    reported,
    exactlyOnce: tally.missing === 0 && tally.unexpected === 0 && tally.duplicates <= reported,
  };
}

const onceWords = (t) =>
  `${t.exactlyOnce ? 'yes' : 'no'} (${t.duplicates} duplicates, ${t.reported} reported), missing ${t.missing}`;

function inFlightReported(stderr) {
  let total = 0;
  for (const line of stderr.split('\n')) {
    const match = inFlightWarning.exec(line);
    if (match) total += Number(match[1].replaceAll(',', ''));
  }
  return total;
}

async function saveJson() {
  if (!flags.json) return;
  await mkdir(path.dirname(path.resolve(flags.json)), { recursive: true });
  await writeFile(path.resolve(flags.json), `${JSON.stringify(figures, null, 2)}\n`);
}

const sleep = (milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds));
const seconds = (milliseconds) => `${(milliseconds / 1000).toFixed(2)} s`;
const mb = (kilobytes) => `${(kilobytes / 1024).toFixed(1)} MB`;
const lastLines = (text, n) => text.trimEnd().split('\n').slice(-n).join('\n');

function check(condition, message) {
  if (!condition) throw new Error(`bench/scale: ${message}`);
}

try {
  await main();
} finally {
  await sink?.close();
  await cluster?.stop();
  await rm(temp, { recursive: true, force: true });
}
