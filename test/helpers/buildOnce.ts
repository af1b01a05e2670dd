import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * CLI tests run the compiled bin. `npm test` compiles first; when vitest is
 * run on its own after an edit, compile here so no test runs stale code.
 */
export default function setup(): void {
  const root = path.resolve(import.meta.dirname, '../..');
  const built = path.join(root, 'dist/cli.js');
  let builtAt = 0;
  try {
    builtAt = statSync(built).mtimeMs;
  } catch {}
  const newest = Math.max(
    ...readdirSync(path.join(root, 'src'), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => statSync(path.join(entry.parentPath, entry.name)).mtimeMs),
  );
  if (newest > builtAt) {
    execFileSync(
      process.execPath,
      [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', root],
      {
        stdio: 'inherit',
      },
    );
  }
}
