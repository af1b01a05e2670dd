import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './runCli.js';

export interface ReadSubscribersMemory {
  count: number;
  /** Peak live memory growth over the read, in bytes, sampled after a collection every 10,000 rows. */
  peak: number;
  /** The CSV file's size in bytes. */
  size: number;
  messages: number;
}

// Runs in a separate `node --expose-gc` so that live heap can be measured
// after a collection, whatever pool vitest runs the test in. It uses the
// compiled module, which the global setup keeps up to date.
const measure = `
import { statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const [modulePath, vfilePath, csvPath, withArrayBuffers] = process.argv.slice(1);
const { readSubscribers } = await import(pathToFileURL(modulePath).href);
const { VFile } = await import(pathToFileURL(vfilePath).href);
const file = new VFile({ path: csvPath });
// V8 frees an ArrayBuffer's memory in the background after the collection
// that finds it dead: let that finish, or a table just outgrown counts twice.
const used = async () => {
  globalThis.gc();
  await new Promise((resolve) => setTimeout(resolve, 10));
  globalThis.gc();
  const m = process.memoryUsage();
  return m.heapUsed + (withArrayBuffers === 'yes' ? m.arrayBuffers : 0);
};
const baseline = await used();
let peak = 0;
let count = 0;
for await (const subscriber of readSubscribers(csvPath, file)) {
  count++;
  if (count % 10000 === 0) peak = Math.max(peak, (await used()) - baseline);
}
console.log(JSON.stringify({ count, peak, size: statSync(csvPath).size, messages: file.messages.length }));
`;

/**
 * Reads the CSV through the compiled `readSubscribers` in its own process and
 * measures the live memory it grows by; `arrayBuffers` counts typed arrays
 * too (outside the JavaScript heap, where the duplicate check keeps its table).
 */
export async function measureReadSubscribers(
  csvPath: string,
  { arrayBuffers }: { arrayBuffers: boolean },
): Promise<ReadSubscribersMemory> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      '--expose-gc',
      '--input-type=module',
      '-e',
      measure,
      path.join(repoRoot, 'dist/deliver/readSubscribers.js'),
      path.join(repoRoot, 'node_modules/vfile/index.js'),
      csvPath,
      arrayBuffers ? 'yes' : 'no',
    ],
    { maxBuffer: 1024 * 1024 },
  );
  return JSON.parse(stdout) as ReadSubscribersMemory;
}
