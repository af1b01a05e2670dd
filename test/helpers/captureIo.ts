import type { ChildProcess } from 'node:child_process';
import { PassThrough } from 'node:stream';
import type { Io } from '../../src/cli/Io.js';

/** An `Io` for running a command in this process, keeping what it prints. */
export function captureIo(
  cwd: string,
  env: NodeJS.ProcessEnv,
  now: () => Date,
): { io: Io; stdout: () => string; stderr: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  stderr.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  return { io: { stdout, stderr, cwd, env, now }, stdout: () => out, stderr: () => err };
}

/** Wait for a child process to end, with everything it printed. */
export function collectChild(
  child: ChildProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
