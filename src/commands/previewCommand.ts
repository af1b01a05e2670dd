import path from 'node:path';
import type { CommandContext } from '../cli/CommandContext.js';
import { UsageError } from '../cli/UsageError.js';
import { secretFromEnv } from '../deliver/secret.js';
import { transportFromEnv } from '../deliver/transports/transportFromEnv.js';
import { createUnsubscribeToken } from '../deliver/unsubscribeToken.js';
import { chromiumInstallHint, findChromium } from '../preview/findChromium.js';
import { PreviewModel } from '../preview/PreviewModel.js';
import { startPreviewServer } from '../preview/previewServer.js';
import { previewTestSend } from '../preview/previewTestSend.js';
import { screenshotViews, takeScreenshots } from '../preview/takeScreenshots.js';
import { assertWritableInsideRoot } from '../util/assertWritableInsideRoot.js';
import { isLoopback } from '../util/isLoopback.js';

export const defaultPreviewPort = 4321;

export async function run({ values, io }: CommandContext): Promise<number> {
  const root = path.resolve(io.cwd, typeof values.root === 'string' ? values.root : '.');
  const host = typeof values.host === 'string' ? values.host : '127.0.0.1';
  const port = parsePort(values.port);
  const edition = typeof values.edition === 'string' ? values.edition : undefined;
  const model = new PreviewModel(root, io.now);

  if (typeof values.screenshot === 'string') {
    const dir = path.resolve(io.cwd, values.screenshot);
    // The browser writes the files: check where they go before it starts.
    for (const view of screenshotViews)
      await assertWritableInsideRoot(root, path.join(dir, view.file));
    const executablePath = findChromium(io.env);
    if (!executablePath) {
      io.stderr.write(`${chromiumInstallHint}\n`);
      return 1;
    }
    const server = await startPreviewServer({ model, host: '127.0.0.1', port: 0 });
    try {
      const view = await model.view(edition);
      if (!view.ok) {
        for (const problem of view.problems) io.stderr.write(`${problem}\n`);
        io.stderr.write('No screenshots: the email cannot be rendered until these are fixed\n');
        return 1;
      }
      const files = await takeScreenshots({
        url: server.url,
        edition: view.id,
        dir,
        executablePath,
      });
      for (const file of files) io.stdout.write(`${path.relative(io.cwd, file) || file}\n`);
      return 0;
    } finally {
      await server.close();
    }
  }

  const log = (line: string) => io.stderr.write(`${line}\n`);
  // Test copies carry a real unsubscribe link, made with the same secret as a send's.
  const { secret } = secretFromEnv(io.env);
  let server: Awaited<ReturnType<typeof startPreviewServer>>;
  try {
    server = await startPreviewServer({
      model,
      host,
      port,
      log,
      // Beyond loopback anyone could press it: mailing from this machine is
      // only offered to the person at it.
      ...(isLoopback(host)
        ? {
            testSend: previewTestSend(model, {
              transport: () => transportFromEnv(io.env, root, 'test'),
              token: (to) => createUnsubscribeToken(to, secret),
              now: io.now,
            }),
          }
        : {}),
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      io.stderr.write(`storyline preview: port ${port} is in use; pass --port N for another\n`);
      return 1;
    }
    throw error;
  }
  if (!isLoopback(host)) {
    log(
      `warning: listening on ${host}: anyone who can reach this machine can read the preview (test sends are off)`,
    );
  }
  io.stdout.write(
    `Preview of ${path.relative(io.cwd, root) || '.'} at ${server.url} (Ctrl-C to stop)\n`,
  );
  // The CLI aborts `io.signal` on SIGINT or SIGTERM; without one (in a
  // process of its own making) the server runs until the process ends.
  const { signal } = io;
  await new Promise<void>((resolve) => {
    if (signal?.aborted) resolve();
    signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  await server.close();
  return 0;
}

function parsePort(value: unknown): number {
  if (value === undefined) return defaultPreviewPort;
  // Digits only: Number() would also take `1e3`, `0x50`, ` 80` and `` (0).
  const port = typeof value === 'string' && /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port takes a number from 0 to 65535, not \`${String(value)}\``);
  return port;
}
