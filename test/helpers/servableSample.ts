import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sampleFixture } from './fixture.js';

/**
 * The sample story in a temporary content root, configured to be served at
 * `url` (its site, serve's public address, one-click unsubscribe) and sent
 * without a rate limit.
 */
export async function servableSample(url: string): Promise<string> {
  const root = await sampleFixture();
  const configPath = path.join(root, 'storyline.config.json');
  const config = JSON.parse(await readFile(configPath, 'utf8')) as Record<string, unknown>;
  Object.assign(config, {
    siteUrl: url,
    unsubscribe: {},
    serve: { publicUrl: url },
    send: { rate: 0 },
  });
  await writeFile(configPath, JSON.stringify(config));
  return root;
}
