import { spawn } from 'node:child_process';
import path from 'node:path';
import { collectChild } from './captureIo.js';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
export const bin = path.join(repoRoot, 'bin/storyline.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run `storyline` as a real process. */
export async function runCli(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const { code, stdout, stderr } = await collectChild(child);
  return { code, stdout, stderr };
}
