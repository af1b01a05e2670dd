import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/configSchema.js';
import { sampleFixture } from '../helpers/fixture.js';
import { publishOk } from '../helpers/publish.js';

async function publishSample(serve?: Record<string, unknown>) {
  const root = await sampleFixture();
  const configPath = path.join(root, 'storyline.config.json');
  const config = JSON.parse(await readFile(configPath, 'utf8')) as Record<string, unknown>;
  if (serve) config.serve = serve;
  config.send = { rate: 0 };
  await writeFile(configPath, JSON.stringify(config));
  await writeFile(path.join(root, 'subscribers.csv'), 'email\nreader@example.org\n');
  await publishOk(root);
  const archive = path.join(root, 'archive');
  const edition = (await readdir(archive, { withFileTypes: true })).find((e) => e.isDirectory());
  return {
    living: await readFile(path.join(archive, 'index.html'), 'utf8'),
    edition: await readFile(path.join(archive, edition?.name ?? '', 'index.html'), 'utf8'),
  };
}

describe('the subscribe form on archive pages', () => {
  it('is on the living page and every edition page once serve.publicUrl is set, posting there without JavaScript', async () => {
    const { living, edition } = await publishSample({
      publicUrl: 'https://news.example.org/brief/',
    });
    for (const html of [living, edition]) {
      const form = /<form class="subscribe"[\s\S]*?<\/form>/.exec(html)?.[0] ?? '';
      expect(form).toContain('method="post" action="https://news.example.org/brief/subscribe"');
      expect(form).toMatch(/<input[^>]*type="email"[^>]*name="email"[^>]*required/);
      expect(form).toMatch(/<input[^>]*name="name"/);
      // The honeypot: hidden from screen readers, out of the tab order, styled off-screen.
      expect(form).toMatch(
        /<div class="subscribe-hp" aria-hidden="true">[\s\S]*<input[^>]*name="website"[^>]*tabindex="-1"/,
      );
      expect(html).toContain('.subscribe-hp { position: absolute; left: -10000px;');
      expect(form).toContain('<button type="submit">Subscribe</button>');
      expect(html).not.toContain('<script src');
    }
  });

  it('is left out while serve.publicUrl is unset: there is nowhere to post', async () => {
    const { living, edition } = await publishSample();
    expect(living).not.toContain('<form');
    expect(edition).not.toContain('<form');
  });
});

describe('serve.publicUrl in the config', () => {
  it('makes unsubscribe.url its /unsubscribe unless that is set', () => {
    expect(
      configSchema.parse({ serve: { publicUrl: 'https://news.example.org/brief/' } }).unsubscribe
        .url,
    ).toBe('https://news.example.org/brief/unsubscribe');
    expect(
      configSchema.parse({
        serve: { publicUrl: 'https://news.example.org/brief/' },
        unsubscribe: { url: 'https://elsewhere.example/u' },
      }).unsubscribe.url,
    ).toBe('https://elsewhere.example/u');
    expect(configSchema.parse({}).unsubscribe.url).toBeUndefined();
    expect(configSchema.parse({}).serve).toMatchObject({
      trustProxy: false,
      limits: { signUpsPerMinute: 10, bodyBytes: 8192, confirmationIntervalMinutes: 60 },
    });
  });
});
