import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { VFileMessage } from 'vfile-message';
import { describe, expect, it } from 'vitest';
import { send } from '../../src/commands/sendCommand.js';
import { checkProject as check } from '../../src/usecases/checkProject.js';
import { captureIo } from '../helpers/captureIo.js';
import { type FixtureFiles, writeFiles } from '../helpers/fixture.js';
import { defaultNow } from '../helpers/problems.js';
import { Fuzzer, seededRandom } from './generators.js';

/*
 * Random and mutated markdown, YAML and CSV through `check` and
 * `send --dry-run`. `npm test` runs a few seconds' worth with a fixed seed;
 * STORYLINE_FUZZ_CASES and STORYLINE_FUZZ_SEED run longer or elsewhere, e.g.
 * STORYLINE_FUZZ_CASES=2000 npx vitest run test/fuzz
 */
const cases = Number(process.env.STORYLINE_FUZZ_CASES ?? 120);
const seed = Number(process.env.STORYLINE_FUZZ_SEED ?? 20140210);
// A hang detector, not a performance check: typical cases take ~0.1 s, the
// failures this guards against (deep nesting, huge tables) took 25-90 s.
const caseDeadlineMs = 20_000;
// Likewise for memory: one case once took 1.6 GB. The resident size swings
// by a few hundred MB with the allocator, so the peak gets a loose bound and
// the heap after a full collection (flat at ~45 MB over 1,400 cases) a tight one.
const rssGrowthLimit = 1024 * 1024 * 1024;
const heapGrowthLimit = 96 * 1024 * 1024;

v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;
function heapAfterGc(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

const repo = path.resolve(import.meta.dirname, '../..');
const sampleStory = await readFile(path.join(repo, 'story.md'), 'utf8');
const sampleUpdate = await readFile(
  path.join(repo, 'updates/2014-02-10-second-round-geneva.md'),
  'utf8',
);
const sampleConfig = await readFile(path.join(repo, 'storyline.config.json'), 'utf8');
const crashSigns = /Maximum call stack|Cannot read properties|is not a function|\n\s+at .+:\d+:\d+/;

function caseFiles(fuzz: Fuzzer): FixtureFiles {
  const files: FixtureFiles = {};
  const roll = fuzz.random();
  files['story.md'] =
    roll < 0.4
      ? `---\ntitle: Talks\npublished: 2014-01-22\n---\n\n${fuzz.markdown()}`
      : roll < 0.6
        ? `---\n${fuzz.frontMatter()}\n---\n\n${fuzz.markdown()}`
        : fuzz.mutate(sampleStory);
  const updates = fuzz.int(4);
  for (let i = 0; i < updates; i++) {
    const day = String(10 + i);
    const name = fuzz.chance(0.9) ? `2014-02-${day}-update-${i}.md` : `${fuzz.text(6)}.md`;
    const kind = fuzz.random();
    files[`updates/${name.replaceAll('/', '_').replaceAll('\u0000', '')}`] =
      kind < 0.4
        ? `---\ndate: 2014-02-${day}\n---\n\n${fuzz.markdown()}`
        : kind < 0.7
          ? `---\n${fuzz.frontMatter()}\n---\n\n${fuzz.markdown()}`
          : fuzz.mutate(sampleUpdate);
  }
  files['storyline.config.json'] = fuzz.chance(0.1) ? fuzz.mutate(sampleConfig) : sampleConfig;
  files['subscribers.csv'] = fuzz.csv();
  return files;
}

function unpositioned(problems: VFileMessage[]): string[] {
  return problems
    .filter(
      (p) =>
        !p.file ||
        !(typeof p.line === 'number' && p.line >= 1) ||
        !(typeof p.column === 'number' && p.column >= 1) ||
        !p.ruleId ||
        !p.reason,
    )
    .map((p) => `${p.file}:${p.line}:${p.column}: ${p.reason} [${p.ruleId}]`);
}

async function withDeadline<T>(what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not finish in ${caseDeadlineMs} ms`)),
      caseDeadlineMs,
    );
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

describe('fuzzed content', () => {
  it(
    `never crashes check or send --dry-run, positions every problem, and stays bounded (${cases} cases, seed ${seed})`,
    async () => {
      const startRss = process.memoryUsage().rss;
      const startHeap = heapAfterGc();
      let peakRss = startRss;
      let errors = 0;
      const exits = { 0: 0, 1: 0, other: 0 };
      const started = performance.now();
      for (let index = 0; index < cases; index++) {
        const fuzz = new Fuzzer(seededRandom(seed + index));
        const root = await mkdtemp(path.join(tmpdir(), 'storyline-fuzz-'));
        const label = `case ${index} (seed ${seed + index}, files in ${root})`;
        await writeFiles(root, caseFiles(fuzz));
        await cp(path.join(repo, 'images'), path.join(root, 'images'), { recursive: true });
        const caseStarted = performance.now();

        const checked = await withDeadline(`${label}: check`, check({ root, now: defaultNow }));
        expect(unpositioned(checked.problems), label).toEqual([]);
        errors += checked.problems.filter((p) => p.fatal).length;

        const captured = captureIo(root, {}, () => defaultNow);
        const code = await withDeadline(
          `${label}: send --dry-run`,
          send({ root, io: captured.io, dryRun: true }),
        );
        const output = captured.stdout() + captured.stderr();
        expect(output, label).not.toMatch(crashSigns);
        expect([0, 1], `${label}: exit code`).toContain(code);
        exits[code === 0 ? 0 : code === 1 ? 1 : 'other'] += 1;

        peakRss = Math.max(peakRss, process.memoryUsage().rss);
        expect(peakRss - startRss, `${label}: memory`).toBeLessThan(rssGrowthLimit);
        const caseMs = performance.now() - caseStarted;
        if (process.env.STORYLINE_FUZZ_VERBOSE) console.log(`${label}: ${caseMs.toFixed(0)} ms`);
        // A failing case's files stay behind for reproduction; the rest go.
        await rm(root, { recursive: true, force: true });
      }
      const heapGrowth = heapAfterGc() - startHeap;
      expect(heapGrowth, 'heap after all cases').toBeLessThan(heapGrowthLimit);
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `fuzz: ${cases} cases from seed ${seed} in ${seconds.toFixed(1)} s; ${errors} content errors reported; ` +
          `send --dry-run exited 0 ${exits[0]}, 1 ${exits[1]} times; peak RSS +${((peakRss - startRss) / 1048576).toFixed(0)} MB, heap after GC +${(heapGrowth / 1048576).toFixed(0)} MB`,
      );
      // The generators must actually produce both outcomes, or the fuzz proves little.
      expect(exits[0]).toBeGreaterThan(0);
      expect(exits[1]).toBeGreaterThan(0);
    },
    (cases + 1) * caseDeadlineMs,
  );
});
