import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { collectChild } from './captureIo.js';
import { bin } from './runCli.js';

export interface ServeProcess {
  child: ChildProcess;
  /** Where it listens, from its `Serving … at URL` line, ending in `/`. */
  url: string;
  /** Ends when the process does, with everything it printed. */
  done: ReturnType<typeof collectChild>;
}

/**
 * `storyline serve` as a real process (the compiled CLI) in `root`, on
 * loopback; resolves once it says where it listens, rejects if it exits first.
 */
export async function spawnServe(
  root: string,
  env: NodeJS.ProcessEnv,
  port: number,
): Promise<ServeProcess> {
  const child = spawn(process.execPath, [bin, 'serve', '--port', String(port)], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const done = collectChild(child);
  const url = await new Promise<string>((resolve, reject) => {
    let said = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      said += chunk.toString('utf8');
      const match = /Serving \S+ at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(said);
      if (match?.[1]) resolve(match[1]);
    });
    child.on('exit', () => reject(new Error(`serve exited early: ${said}`)));
  });
  return { child, url, done };
}

/** A free loopback port: the archive must know the service's address before it is published. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}
