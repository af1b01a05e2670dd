import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { send } from '../../src/commands/sendCommand.js';
import { secretFromEnv } from '../../src/deliver/secret.js';
import type { Shard } from '../../src/ledger/archivePaths.js';
import { countDryRun, type DryRunResult } from '../../src/usecases/countDryRun.js';
import { renderChosenEdition } from '../../src/usecases/renderChosenEdition.js';
import { captureIo, collectChild } from './captureIo.js';
import { sampleFiles, sampleFixture } from './fixture.js';
import { bin, repoRoot } from './runCli.js';

export const secret = 'test-secret-0123456789-abcdef';

/** The fast send settings tests use: no rate limit, short retry delays. */
export const fastSend = { rate: 0, concurrency: 5, retries: 3, retryDelay: 0.05 };

/** `count` subscriber addresses, half at example.org and half at example.com. */
export function subscriberAddresses(count: number): string[] {
  return Array.from(
    { length: count },
    (_, i) => `reader${String(i + 1).padStart(5, '0')}@example.${i % 2 === 0 ? 'org' : 'com'}`,
  );
}

export function subscribersCsv(addresses: readonly string[]): string {
  return `email,name\n${addresses.map((a, i) => `${a},Reader ${i + 1}`).join('\n')}\n`;
}

export interface SendFixture {
  root: string;
  addresses: string[];
  /** `from` in the fixture's storyline.config.json. */
  from: string;
}

/**
 * The sample story (`sampleFixture()`) with `subscribers.csv` holding
 * `count` addresses and the send rate raised so tests are fast. Removed when
 * the test ends.
 */
export async function sendFixture(
  count: number,
  sendSettings: Partial<typeof fastSend> = {},
): Promise<SendFixture> {
  return prepare(await sampleFixture(), count, sendSettings);
}

/**
 * The same in a folder that outlives one test (for a `beforeAll`); the
 * caller removes it with `remove`.
 */
export async function sendFixtureDir(
  count: number,
  sendSettings: Partial<typeof fastSend> = {},
): Promise<SendFixture & { remove: () => Promise<void> }> {
  const root = await mkdtemp(path.join(tmpdir(), 'storyline-send-'));
  for (const name of sampleFiles) {
    const from = path.join(repoRoot, name);
    if (existsSync(from)) await cp(from, path.join(root, name), { recursive: true });
  }
  return {
    ...(await prepare(root, count, sendSettings)),
    remove: () => rm(root, { recursive: true, force: true }),
  };
}

async function prepare(
  root: string,
  count: number,
  sendSettings: Partial<typeof fastSend>,
): Promise<SendFixture> {
  const configPath = path.join(root, 'storyline.config.json');
  const config = JSON.parse(await readFile(configPath, 'utf8')) as Record<string, unknown>;
  config.send = { ...fastSend, ...sendSettings };
  await writeFile(configPath, `${JSON.stringify(config, null, 2)}\n`);
  const addresses = subscriberAddresses(count);
  await writeFile(path.join(root, 'subscribers.csv'), subscribersCsv(addresses));
  return { root, addresses, from: String(config.from) };
}

export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `send()` in this process with its output captured. */
export async function sendInProcess(
  root: string,
  env: NodeJS.ProcessEnv,
  options: { to?: string; dryRun?: boolean; shard?: Shard; signal?: AbortSignal } = {},
): Promise<InProcessResult> {
  const captured = captureIo(root, env, () => new Date());
  let err = '';
  let code: number;
  try {
    code = await send({
      root,
      io: captured.io,
      ...options,
    });
  } catch (error) {
    // As the CLI does: an error is a message on stderr and exit code 1.
    err += `storyline: ${(error as Error).message}\n`;
    code = 1;
  }
  return { code, stdout: captured.stdout(), stderr: captured.stderr() + err };
}

/** What `send --dry-run` would report, as the use case returns it (the pending edition). */
export async function dryRunCount(
  root: string,
  env: NodeJS.ProcessEnv,
  shard?: Shard,
): Promise<DryRunResult> {
  const chosen = await renderChosenEdition(root, new Date(), { otherwise: 'none' });
  if (chosen.status !== 'rendered') throw new Error(`no edition to count: ${chosen.status}`);
  const { project, rendered } = chosen;
  const { secret: key } = secretFromEnv(env);
  return countDryRun({ project, rendered, secret: key, env, shard });
}

/** `storyline send ARGS` as a child process that a test can signal. */
export function spawnSend(
  root: string,
  env: NodeJS.ProcessEnv,
  args: readonly string[] = [],
): { child: ChildProcess; done: Promise<InProcessResult & { signal: string | null }> } {
  const child = spawn(process.execPath, [bin, 'send', ...args], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const done = collectChild(child).then((result) => ({ ...result, code: result.code ?? -1 }));
  return { child, done };
}

/** Every file under `dir`, recursively, as paths relative to it. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

/**
 * Which of `addresses` appear anywhere in the files under `dir`, ignoring
 * case, as they are or base64url-encoded (as an unsubscribe token carries
 * them).
 */
export async function addressesFoundUnder(
  dir: string,
  addresses: readonly string[],
): Promise<{ files: string[]; found: string[] }> {
  const files = existsSync(dir) ? await listFiles(dir) : [];
  const found: string[] = [];
  for (const file of files) {
    const text = (await readFile(path.join(dir, file), 'utf8')).toLowerCase();
    for (const address of addresses) {
      const needle = address.toLowerCase();
      if (text.includes(needle)) found.push(`${file}: ${address}`);
      else if (text.includes(Buffer.from(needle).toString('base64url').toLowerCase()))
        found.push(`${file}: ${address} (base64url)`);
    }
  }
  return { files, found };
}

export { repoRoot };
