// bench/send: `storyline send` to 10,000 recipients over SMTP on loopback,
// against the baseline a newcomer would write (a nodemailer `sendMail({html,
// text})` per recipient over a pool of the same size), both into the same
// smtp-server sink running in its own process; then `storyline send` to
// 100,000 recipients for its peak memory.
// Targets (issue 5): messages per second ≥ 3× the baseline's; peak RSS at
// 100,000 recipients ≤ 300 MB.
// Then the send loop over storyline's hand-built SMTP pool against the same
// loop over nodemailer's pooled transport (`sendMail({ raw, envelope })`,
// bench/lib/sendVia.js), at rate 0 (10,000 recipients) and at the default
// rate of 10 a second (100 recipients): issue 10 keeps the hand-built pool
// only if it earns its place.
//
// `node bench/send.js [--rounds N] [--profile DIR] [--recipients N] [--large N] [--rated N]`:
// N rounds of each pair (interleaved, default 1); --profile writes a CPU
// profile (node --cpu-prof) of each of our 10,000-recipient runs into DIR;
// --recipients, --large (0 skips it) and --rated change the list sizes
// (10,000, 100,000 and 100) for a shorter run on a busy machine.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { parseArgs } from 'node:util';
import { loadAverage, machine, printTable, repoRoot, requireDist, stats } from './lib/measure.js';
import { startSink } from './lib/sinkProcess.js';
import { writeList } from './lib/subscriberList.js';

requireDist();

const CONCURRENCY = 5;
/** config `send.rate` by default, messages a second. */
const DEFAULT_RATE = 10;
const SECRET = 'bench-secret-not-a-real-key';
const EDITION = '2014-02-10-second-round-geneva';

const targets = { ratio: 3, peakRssMb: 300 };

const { values: flags } = parseArgs({
  options: {
    rounds: { type: 'string', default: '1' },
    profile: { type: 'string' },
    recipients: { type: 'string', default: '10000' },
    large: { type: 'string', default: '100000' },
    rated: { type: 'string', default: '100' },
  },
});
const wholeNumber = (name, min) => {
  const value = Number(flags[name]);
  if (!Number.isInteger(value) || value < min)
    throw new Error(`--${name} takes a whole number ≥ ${min}`);
  return value;
};
const rounds = wholeNumber('rounds', 1);
const RECIPIENTS = wholeNumber('recipients', 1);
const LARGE = wholeNumber('large', 0);
const RATED = wholeNumber('rated', 1);
const profileDir = flags.profile ? path.resolve(flags.profile) : undefined;

const bin = path.join(repoRoot, 'bin', 'storyline.js');
const measured = path.join(repoRoot, 'bench', 'lib', 'measured.js');
const baselineScript = path.join(repoRoot, 'bench', 'lib', 'baselineSend.js');
const sendViaScript = path.join(repoRoot, 'bench', 'lib', 'sendVia.js');

async function main() {
  process.stdout.write(`bench/send  ${machine()}\n\n`);
  const config = JSON.parse(await readFile(path.join(repoRoot, 'storyline.config.json'), 'utf8'));
  const lists = {};
  for (const count of new Set([RECIPIENTS, RATED, ...(LARGE > 0 ? [LARGE] : [])])) {
    lists[count] = await writeList(path.join(temp, `subscribers-${count}.csv`), count);
  }

  // The baseline mails what `storyline build` wrote for the same edition.
  const built = path.join(temp, 'built');
  const buildRoot = await copySample(path.join(temp, 'build-root'), config);
  await runProcess('build', [bin, 'build', '--root', buildRoot, '--out', built], {});
  const builtEdition = path.join(built, EDITION);
  const { subject } = JSON.parse(await readFile(path.join(builtEdition, 'edition.json'), 'utf8'));
  check(typeof subject === 'string', `no subject in ${builtEdition}/edition.json`);

  const sink = await startSink();
  let run = 0;
  const ours = async (count) => {
    const root = await copySample(path.join(temp, `root-${run++}`), config);
    const result = await measureRun(
      sink,
      count,
      `storyline send, ${count.toLocaleString('en-US')}`,
      bin,
      ['send', '--root', root, '--subscribers', lists[count]],
    );
    const record = JSON.parse(
      await readFile(path.join(root, 'archive', EDITION, 'edition.json'), 'utf8'),
    );
    check(
      record.complete === true && record.counts.sent === count,
      `storyline send recorded ${JSON.stringify(record.counts)}, expected ${count} sent`,
    );
    return result;
  };
  const baseline = (count) =>
    measureRun(sink, count, `baseline, ${count.toLocaleString('en-US')}`, baselineScript, [
      ...['--csv', lists[count], '--port', String(sink.port)],
      ...['--html', path.join(builtEdition, 'email.html')],
      ...['--text', path.join(builtEdition, 'email.txt')],
      ...['--subject', subject, '--from', config.from],
      ...['--connections', String(CONCURRENCY)],
      ...['--unsubscribe', config.unsubscribe.url, '--mailto', config.unsubscribe.mailto],
    ]);

  // The same send loop over either SMTP transport, at `rate` (0: no limit).
  const via = async (transport, count, rate) => {
    const root = await copySample(path.join(temp, `root-${run++}`), config, rate);
    return measureRun(
      sink,
      count,
      `loop + ${transport === 'pool' ? 'hand-built pool' : 'nodemailer pool'}, ${count.toLocaleString('en-US')}, rate ${rate || '∞'}`,
      sendViaScript,
      ['--transport', transport, '--root', root, '--subscribers', lists[count]],
    );
  };

  const results = {
    ours: [],
    baseline: [],
    large: undefined,
    pool: [],
    nodemailer: [],
    poolRated: [],
    nodemailerRated: [],
  };
  try {
    // Interleaved, so a slow spell of the machine hits both alike.
    for (let round = 0; round < rounds; round++) {
      results.ours.push(await ours(RECIPIENTS));
      results.baseline.push(await baseline(RECIPIENTS));
    }
    for (let round = 0; round < rounds; round++) {
      results.pool.push(await via('pool', RECIPIENTS, 0));
      results.nodemailer.push(await via('nodemailer', RECIPIENTS, 0));
      results.poolRated.push(await via('pool', RATED, DEFAULT_RATE));
      results.nodemailerRated.push(await via('nodemailer', RATED, DEFAULT_RATE));
    }
    if (LARGE > 0) results.large = await ours(LARGE);
  } finally {
    await sink.close();
  }

  const all = [
    ...results.ours,
    ...results.baseline,
    ...results.pool,
    ...results.nodemailer,
    ...results.poolRated,
    ...results.nodemailerRated,
    ...(results.large ? [results.large] : []),
  ];
  printTable(
    [
      'run',
      'messages',
      'wall s',
      'send phase s',
      'msg/s',
      'msg/s (wall)',
      'CPU ms/msg',
      'peak RSS MB',
      'KB/msg',
      'sink CPU',
    ],
    all.map((r) => [
      r.name,
      r.count.toLocaleString('en-US'),
      (r.wallMs / 1000).toFixed(2),
      (r.sendPhaseMs / 1000).toFixed(2),
      r.rate.toFixed(0),
      r.wallRate.toFixed(0),
      r.cpuPerMessage.toFixed(3),
      r.peakRssMb.toFixed(0),
      (r.bytes / r.count / 1024).toFixed(1),
      `${(r.sinkCpuMs / 1000).toFixed(2)} s (${((100 * r.sinkCpuMs) / r.sendPhaseMs).toFixed(0)}%)`,
    ]),
  );
  process.stdout.write(
    [
      'send phase: the sink’s first connection to its last message; msg/s = messages / send phase.',
      'wall: spawn to exit (start-up, render, list pass, journal compaction included).',
      'CPU ms/msg: the process’s user + system CPU (process.resourceUsage at exit) / messages.',
      'peak RSS: the process’s maxRSS (process.resourceUsage at exit); MB = 2^20 bytes.',
      'KB/msg: bytes the sink received per message (both sides send the same email).',
      'sink CPU: the sink process’s CPU during the run, and as a share of one core over the send phase.',
      '',
    ].join('\n'),
  );
  if (results.large) {
    const small = results.ours;
    const marginal =
      (results.large.cpuMs - stats(small.map((r) => r.cpuMs)).median) / (LARGE - RECIPIENTS);
    process.stdout.write(
      `storyline send CPU per extra message (${LARGE.toLocaleString('en-US')} run minus the ${RECIPIENTS.toLocaleString('en-US')} median, / ${(LARGE - RECIPIENTS).toLocaleString('en-US')}): ${marginal.toFixed(3)} ms\n\n`,
    );
  }
  process.stdout.write(`${loadAverage()} at the end\n\n`);

  const oursRate = stats(results.ours.map((r) => r.rate)).median;
  const baseRate = stats(results.baseline.map((r) => r.rate)).median;
  const oursWall = stats(results.ours.map((r) => r.wallRate)).median;
  const baseWall = stats(results.baseline.map((r) => r.wallRate)).median;
  const busiestSink = Math.max(...all.map((r) => r.sinkCpuMs / r.sendPhaseMs));
  process.stdout.write(
    busiestSink < 0.8
      ? `The sink was busy at most ${(100 * busiestSink).toFixed(0)}% of one core during a send phase: not the bottleneck.\n\n`
      : `warning: the sink was busy ${(100 * busiestSink).toFixed(0)}% of one core during a send phase; it may be what limits the rate\n\n`,
  );
  const ratio = oursRate / baseRate;
  process.stdout.write(
    `${ratio >= targets.ratio ? 'PASS' : 'MISS'}  ours/baseline = ${ratio.toFixed(2)}× (target ≥ ${targets.ratio}×): ${oursRate.toFixed(0)} vs ${baseRate.toFixed(0)} msg/s over the send phase${rounds > 1 ? `, medians of ${rounds}` : ''}; spawn to exit ${(oursWall / baseWall).toFixed(1)}× (${oursWall.toFixed(0)} vs ${baseWall.toFixed(0)} msg/s)\n`,
  );
  const median = (runs, key) => stats(runs.map((r) => r[key])).median;
  for (const [label, pool, theirs] of [
    ['rate 0', results.pool, results.nodemailer],
    [`rate ${DEFAULT_RATE}/s`, results.poolRated, results.nodemailerRated],
  ]) {
    process.stdout.write(
      `hand-built pool vs nodemailer pool, ${label}: ${median(pool, 'rate').toFixed(0)} vs ${median(theirs, 'rate').toFixed(0)} msg/s (${(median(pool, 'rate') / median(theirs, 'rate')).toFixed(2)}×), CPU ${median(pool, 'cpuPerMessage').toFixed(3)} vs ${median(theirs, 'cpuPerMessage').toFixed(3)} ms/msg (${(median(theirs, 'cpuPerMessage') / median(pool, 'cpuPerMessage')).toFixed(2)}× less), peak RSS ${median(pool, 'peakRssMb').toFixed(0)} vs ${median(theirs, 'peakRssMb').toFixed(0)} MB\n`,
    );
  }
  const { large } = results;
  if (!large) return;
  process.stdout.write(
    `${large.peakRssMb <= targets.peakRssMb ? 'PASS' : 'MISS'}  peak RSS at ${LARGE.toLocaleString('en-US')} = ${large.peakRssMb.toFixed(0)} MB (target ≤ ${targets.peakRssMb} MB); ${large.rate.toFixed(0)} msg/s\n`,
  );
}

/**
 * Run a script under bench/lib/measured.js with the sink's counters reset, and
 * check that the sink got exactly `count` messages.
 */
async function measureRun(sink, count, name, script, args) {
  await sink.ask('reset');
  const usageFile = path.join(temp, `usage-${name.replace(/\W+/g, '-')}-${Date.now()}.json`);
  const profile =
    profileDir && script === bin && count === RECIPIENTS
      ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`]
      : [];
  const env = {
    ...process.env,
    SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
    STORYLINE_SECRET: SECRET,
  };
  const start = performance.now();
  await runProcess(name, [...profile, measured, usageFile, script, ...args], env);
  const wallMs = performance.now() - start;
  const received = await sink.ask('stats');
  check(
    received.count === count,
    `${name}: the sink received ${received.count} messages, expected ${count}`,
  );
  const usage = JSON.parse(await readFile(usageFile, 'utf8'));
  return {
    name,
    count,
    wallMs,
    sendPhaseMs: received.sendPhaseMs,
    rate: count / (received.sendPhaseMs / 1000),
    wallRate: count / (wallMs / 1000),
    cpuMs: usage.cpuMs,
    cpuPerMessage: usage.cpuMs / count,
    peakRssMb: usage.maxRssKb / 1024,
    sinkCpuMs: received.cpuMs,
    bytes: received.bytes,
  };
}

/** A node process with its output kept for the error message; throws unless it exits 0. */
async function runProcess(name, args, env) {
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const [code, signal] = await once(child, 'exit');
  if (code !== 0) throw new Error(`bench/send: ${name} exited with ${code ?? signal}:\n${output}`);
  return output;
}

/** The sample as a user's content root, sending at `rate` (0: as fast as the pool allows). */
async function copySample(root, config, rate = 0) {
  await mkdir(root, { recursive: true });
  for (const name of ['story.md', 'updates', 'images']) {
    await cp(path.join(repoRoot, name), path.join(root, name), { recursive: true });
  }
  const send = { ...config.send, rate, concurrency: CONCURRENCY };
  await writeFile(
    path.join(root, 'storyline.config.json'),
    `${JSON.stringify({ ...config, send }, null, 2)}\n`,
  );
  return root;
}

function check(condition, message) {
  if (!condition) throw new Error(`bench/send: ${message}`);
}

// Last, so every constant above is initialised before main() reads it.
const temp = await mkdtemp(path.join(tmpdir(), 'storyline-bench-send-'));
try {
  await main();
} finally {
  await rm(temp, { recursive: true, force: true });
}
