// Helpers shared by the bench files: timing, statistics, the printed table and verdicts.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Benches import the compiled sources; say what to do when they are missing. */
export function requireDist() {
  if (!existsSync(path.join(repoRoot, 'dist', 'cli.js'))) {
    process.stderr.write('bench: dist/ is missing; run `npm run build` first\n');
    process.exit(2);
  }
}

/** Node version, CPU count and model: the numbers mean little without them. */
export function machine() {
  const cpus = os.cpus();
  return `Node ${process.version}, ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${os.platform()} ${os.arch()}, ${loadAverage()}`;
}

/** Other work on the machine skews every figure; print the load so a reader can tell. */
export function loadAverage() {
  return `load average ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`;
}

/** Median, p90, min and max of a list of milliseconds. */
export function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  const mid = sorted.length / 2;
  const median =
    sorted.length % 2 === 0 ? (sorted[mid - 1] + sorted[mid]) / 2 : sorted[Math.floor(mid)];
  return { n: sorted.length, median, p90: at(0.9), min: sorted[0], max: sorted.at(-1) };
}

/** Run an async function `warmup` times untimed, then `runs` times timed; milliseconds. */
export async function timeAsync(fn, { warmup, runs }) {
  for (let i = 0; i < warmup; i++) await fn();
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return samples;
}

/**
 * Wall time of a whole process, spawn to exit, and the CPU time (user + sys)
 * it used, in milliseconds. CPU time hardly moves when other work shares the
 * machine, wall time does; printing both shows how much a figure is noise.
 * A process that fails is a broken bench, not a slow one, so it throws.
 */
export function timeProcess(args, options = {}) {
  const cpuBefore = childrenCpuMs();
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', ...options });
  const wall = performance.now() - start;
  const cpuAfter = childrenCpuMs();
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(
      `\`node ${args.join(' ')}\` exited with ${result.status ?? result.signal}:\n${result.stderr}`,
    );
  }
  return { wall, cpu: cpuAfter === undefined ? undefined : cpuAfter - cpuBefore };
}

/**
 * CPU time of this process's finished children (Linux: cutime + cstime in
 * /proc/self/stat, 10 ms ticks), or undefined where there is no /proc.
 */
function childrenCpuMs() {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 16 and 17 of stat(5); `fields` starts at field 3.
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return undefined;
  }
}

export const ms = (value) => `${value.toFixed(value < 10 ? 2 : 1)} ms`;
export const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

/** Print rows of cells as a plain table, columns padded, numbers right-aligned. */
export function printTable(header, rows) {
  const all = [header, ...rows].map((row) => row.map(String));
  const widths = header.map((_, i) => Math.max(...all.map((row) => row[i]?.length ?? 0)));
  const line = (row) =>
    row
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  process.stdout.write(`${line(all[0])}\n`);
  process.stdout.write(`${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
  for (const row of all.slice(1)) process.stdout.write(`${line(row)}\n`);
  process.stdout.write('\n');
}

/** One line per target: PASS or MISS, the figure and the limit. */
export function verdict(name, value, limit, format) {
  const pass = value <= limit;
  process.stdout.write(
    `${pass ? 'PASS' : 'MISS'}  ${name}: ${format(value)} (target ≤ ${format(limit)})\n`,
  );
  return pass;
}
