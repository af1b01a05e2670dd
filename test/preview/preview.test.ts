import { appendFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { type IncomingMessage, request } from 'node:http';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboxTransport } from '../../src/deliver/transports/outboxTransport.js';
import { PreviewModel } from '../../src/preview/PreviewModel.js';
import {
  maxEventClients,
  type PreviewServer,
  startPreviewServer,
} from '../../src/preview/previewServer.js';
import { previewTestSend } from '../../src/preview/previewTestSend.js';
import { browserSkipReason, launchBrowser } from '../helpers/browser.js';
import { sampleFixture } from '../helpers/fixture.js';

const updateFile = 'updates/2014-02-10-second-round-geneva.md';
const skip = browserSkipReason();
if (skip) console.log(`skipping the preview browser tests: ${skip}`);

/** A GET with the path sent exactly as given (no `..` folding), for traversal tests. */
function rawGet(url: string, rawPath: string): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path: rawPath, method: 'GET' }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

async function startPreview(logs: string[] = []): Promise<{
  root: string;
  server: PreviewServer;
  outbox: string;
  model: PreviewModel;
}> {
  const root = await sampleFixture();
  const model = new PreviewModel(root, () => new Date('2014-02-12T12:00:00Z'));
  const outbox = path.join(root, '.storyline/outbox/test');
  const server = await startPreviewServer({
    model,
    host: '127.0.0.1',
    port: 0,
    log: (line) => logs.push(line),
    testSend: previewTestSend(model, {
      transport: () => outboxTransport(outbox),
      token: () => 'test',
      now: () => new Date(),
    }),
  });
  return { root, server, outbox, model };
}

/** A request with the given headers; resolves with the response once its headers arrive. */
function requestTo(
  url: string,
  options: { path: string; method?: string; headers?: Record<string, string>; body?: string },
): Promise<IncomingMessage> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { hostname, port, agent: false, method: options.method ?? 'GET', ...options },
      resolve,
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

async function statusOf(
  url: string,
  options: Parameters<typeof requestTo>[1],
): Promise<{ status: number; body: string }> {
  const response = await requestTo(url, options);
  let body = '';
  for await (const chunk of response) body += chunk;
  return { status: response.statusCode ?? 0, body };
}

describe('preview re-rendering', () => {
  it('renders a burst of saves once, not once per save', async () => {
    const { root, server, model } = await startPreview();
    try {
      const before = model.version;
      for (let i = 0; i < 20; i++)
        await appendFile(path.join(root, updateFile), `\nBurst sentence ${i}.\n`);
      await expect.poll(() => model.version, { timeout: 5000 }).toBeGreaterThan(before);
      // Let any late event settle, then count the renders the burst caused.
      await new Promise((resolve) => setTimeout(resolve, 400));
      const renders = model.version - before;
      console.log(`20 saves in a burst caused ${renders} render(s)`);
      expect(renders).toBeLessThanOrEqual(2);
      expect((await model.view()).text).toContain('Burst sentence 19.');
    } finally {
      await server.close();
    }
  });
});

describe('preview edition list', () => {
  it('sends the list only when it is not the one the page names', async () => {
    const { root, server, model } = await startPreview();
    try {
      const state = async (list?: string) =>
        (await fetch(`${server.url}api/state${list === undefined ? '' : `?list=${list}`}`)).json();
      const first = await state();
      expect(first.editions.length).toBeGreaterThan(0);
      expect(typeof first.listKey).toBe('string');
      expect(await state(first.listKey)).toEqual({ ...first, editions: undefined });

      const before = model.version;
      await appendFile(path.join(root, updateFile), '\nA sentence that leaves the list alone.\n');
      await expect.poll(() => model.version, { timeout: 5000 }).toBeGreaterThan(before);
      const saved = await state(first.listKey);
      expect(saved.version).toBeGreaterThan(first.version);
      expect(saved.editions).toBeUndefined();
      expect((await state('another-list')).editions).toEqual(first.editions);
    } finally {
      await server.close();
    }
  });
});

describe('preview images', () => {
  it('lets the browser keep an image between saves: 304 while the file is unchanged, the new bytes once it changes', async () => {
    const { root, server } = await startPreview();
    try {
      const url = `${server.url}site/images/geneva-ii-talks.png`;
      const first = await fetch(url);
      expect(first.status).toBe(200);
      expect(first.headers.get('cache-control')).toBe('no-cache');
      const etag = first.headers.get('etag');
      expect(etag).toMatch(/^"[0-9a-z.]+-[0-9a-z.]+"$/);
      const original = Buffer.from(await first.arrayBuffer());
      expect(original.equals(await readFile(path.join(root, 'images/geneva-ii-talks.png')))).toBe(
        true,
      );

      const again = await fetch(url, { headers: { 'if-none-match': etag ?? '' } });
      expect(again.status).toBe(304);
      expect((await again.arrayBuffer()).byteLength).toBe(0);

      // A changed file (here longer) is a new tag: the stale one gets the new bytes.
      const changed = Buffer.concat([original, Buffer.from('more')]);
      await writeFile(path.join(root, 'images/geneva-ii-talks.png'), changed);
      const after = await fetch(url, { headers: { 'if-none-match': etag ?? '' } });
      expect(after.status).toBe(200);
      expect(after.headers.get('etag')).not.toBe(etag);
      expect(Buffer.from(await after.arrayBuffer()).equals(changed)).toBe(true);
    } finally {
      await server.close();
    }
  });
});

describe('preview server safety', () => {
  it('answers only files inside the content root, and only media files', async () => {
    const { server } = await startPreview();
    try {
      expect(await rawGet(server.url, '/site/images/geneva-ii-talks.png')).toBe(200);
      for (const attack of [
        '/../package.json',
        '/site/../package.json',
        '/site/../../package.json',
        '/site/%2e%2e/%2e%2e/package.json',
        '/site/..%2f..%2fetc%2fpasswd',
        '/site/%2Fetc%2Fpasswd',
        '/site/subscribers.example.csv',
        '/site/storyline.config.json',
        '/site/.storyline/outbox/x.eml',
        '/site/images/../../../etc/hostname.png',
      ]) {
        expect({ attack, status: await rawGet(server.url, attack) }).toEqual({
          attack,
          status: 404,
        });
      }
    } finally {
      await server.close();
    }
  });

  it('refuses requests for another host name (DNS rebinding) and cross-site test sends', async () => {
    const { server } = await startPreview();
    try {
      const { hostname, port } = new URL(server.url);
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(
          { hostname, port, path: '/api/state', headers: { host: 'evil.example:80' } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end();
      });
      expect(status).toBe(421);
      const form = await fetch(new URL('/api/test-send', server.url), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'to=victim@example.org',
      });
      expect(form.status).toBe(403);
      const crossOrigin = await fetch(new URL('/api/test-send', server.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
        body: JSON.stringify({ to: 'victim@example.org' }),
      });
      expect(crossOrigin.status).toBe(403);
    } finally {
      await server.close();
    }
  });

  it('answers a host name that only starts like a loopback address with 4xx, test sends included', async () => {
    const { server, outbox } = await startPreview();
    try {
      for (const host of ['127.evil.example', '127.0.0.1.nip.io', 'localhost.evil.example']) {
        for (const path of ['/', '/api/state', '/api/view', '/email.txt']) {
          const { status, body } = await statusOf(server.url, {
            path,
            headers: { host: `${host}:${new URL(server.url).port}` },
          });
          expect(status, `${host} ${path}`).toBe(421);
          expect(body).not.toContain('Geneva');
        }
        const send = await statusOf(server.url, {
          path: '/api/test-send',
          method: 'POST',
          headers: { host, 'content-type': 'application/json' },
          body: JSON.stringify({ to: 'victim@example.org' }),
        });
        expect(send.status, host).toBe(421);
      }
      // The loopback names themselves still work.
      for (const host of ['127.0.0.1', 'localhost', '[::1]'])
        expect((await statusOf(server.url, { path: '/api/state', headers: { host } })).status).toBe(
          200,
        );
      await expect(readdir(outbox)).rejects.toThrow();
    } finally {
      await server.close();
    }
  });

  it('refuses a test send from the null origin with 403, not a crash', async () => {
    const logs: string[] = [];
    const { server, outbox } = await startPreview(logs);
    try {
      for (const origin of ['null', 'not a url', 'file:///etc/passwd']) {
        const { status, body } = await statusOf(server.url, {
          path: '/api/test-send',
          method: 'POST',
          headers: { 'content-type': 'application/json', origin },
          body: JSON.stringify({ to: 'victim@example.org' }),
        });
        expect(status, origin).toBe(403);
        expect(body).not.toMatch(/at |Error/);
      }
      expect(logs.join('\n')).not.toMatch(/Invalid URL|stack|at /);
      await expect(readdir(outbox)).rejects.toThrow();
      // The preview page's own origin may.
      const own = await statusOf(server.url, {
        path: '/api/test-send',
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: new URL(server.url).origin },
        body: JSON.stringify({ to: 'writer@example.org' }),
      });
      expect(own.status, own.body).toBe(200);
      expect(await readdir(outbox)).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it(`keeps at most ${maxEventClients} live-reload streams open and answers the next with 503`, async () => {
    const { server } = await startPreview();
    const open: IncomingMessage[] = [];
    try {
      for (let i = 0; i < maxEventClients; i++) {
        const response = await requestTo(server.url, { path: '/events' });
        open.push(response);
        expect(response.statusCode).toBe(200);
      }
      const refused = await requestTo(server.url, { path: '/events' });
      refused.destroy();
      expect(refused.statusCode).toBe(503);
      // A closed tab frees its place.
      open.pop()?.destroy();
      await expect
        .poll(async () => {
          const response = await requestTo(server.url, { path: '/events' });
          if (response.statusCode === 200) open.push(response);
          else response.resume();
          return response.statusCode;
        })
        .toBe(200);
    } finally {
      for (const response of open) response.destroy();
      await server.close();
    }
  });

  it('may not be framed by another page', async () => {
    const { server } = await startPreview();
    try {
      for (const path of ['/', '/email.html', '/api/state']) {
        const response = await fetch(new URL(path, server.url));
        await response.arrayBuffer();
        expect(response.headers.get('content-security-policy'), path).toContain(
          "frame-ancestors 'none'",
        );
        expect(response.headers.get('x-frame-options'), path).toBe('DENY');
      }
    } finally {
      await server.close();
    }
  });

  it('serves the email with a policy that lets it load nothing from the network', async () => {
    const { server } = await startPreview();
    try {
      const response = await fetch(new URL('/email.html', server.url));
      expect(response.headers.get('content-security-policy')).toBe(
        "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; font-src 'self'; frame-ancestors 'none'",
      );
      const html = await response.text();
      expect(html).toContain('src="/site/images/geneva-ii-talks.png"');
      expect(html).not.toContain('https://example.org/syria-talks/images');
    } finally {
      await server.close();
    }
  });
});

describe.skipIf(Boolean(skip))('preview in the browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** Wait until the email frame shows `text`, returning how long it took. */
  async function waitInFrame(page: Page, text: string): Promise<number> {
    const start = performance.now();
    await page
      .frameLocator('#frame')
      .getByText(text, { exact: false })
      .first()
      .waitFor({ timeout: 10_000 });
    return performance.now() - start;
  }

  it('keeps the scroll position when a save arrives before the last frame has loaded', async () => {
    const { root, server } = await startPreview();
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    try {
      await page.goto(server.url);
      await waitInFrame(page, 'Second Round Of Syrian Peace Talks Under Way in Geneva');
      await expect.poll(() => page.locator('#status').textContent()).toBe('live');
      await page
        .frameLocator('#frame')
        .locator('body')
        .evaluate(() => window.scrollTo(0, 400));
      // A frame loads when its images have: hold the story's image back, so
      // the second save's re-render starts while the first frame is loading.
      await page.route('**/site/**', async (route) => {
        await new Promise((resolve) => setTimeout(resolve, 1500));
        await route.continue();
      });
      await appendFile(path.join(root, updateFile), '\nA first quick edit.\n');
      await waitInFrame(page, 'A first quick edit.');
      await appendFile(path.join(root, updateFile), '\nA second quick edit.\n');
      await waitInFrame(page, 'A second quick edit.');
      await expect
        .poll(
          () =>
            page
              .frameLocator('#frame')
              .locator('body')
              .evaluate(() => window.scrollY),
          { timeout: 10_000 },
        )
        .toBeGreaterThan(300);
    } finally {
      await page.close();
      await server.close();
    }
  });

  it('shows the edition, reloads on save, switches views, shows errors and recovers', async () => {
    const { root, server, outbox } = await startPreview();
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    try {
      await page.goto(server.url);
      await waitInFrame(page, 'Second Round Of Syrian Peace Talks Under Way in Geneva');
      await expect.poll(() => page.locator('#status').textContent()).toBe('live');
      expect(await page.locator('#subject').textContent()).toBe(
        'Subject: Second Round Of Syrian Peace Talks Under Way in Geneva',
      );

      // Scroll the email, then save: the new sentence shows up, and the scroll position stays.
      await page
        .frameLocator('#frame')
        .locator('body')
        .evaluate(() => window.scrollTo(0, 400));
      await appendFile(path.join(root, updateFile), '\nDelegates met again after lunch.\n');
      await waitInFrame(page, 'Delegates met again after lunch.');
      // The page restores the scroll on the frame's load event, which waits
      // for the story's image from /site/: under a full test run on two cores
      // that has taken over a second, poll's default.
      await expect
        .poll(
          () =>
            page
              .frameLocator('#frame')
              .locator('body')
              .evaluate(() => window.scrollY),
          { timeout: 10_000 },
        )
        .toBeGreaterThan(300);

      // Twenty saves, each timed from the write to the moment the frame that
      // shows the sentence has loaded, as the page itself sees it (so the
      // test's own polling is not counted).
      await page.evaluate(() => {
        const seen: Record<string, number> = {};
        (window as unknown as { seen: Record<string, number> }).seen = seen;
        const frame = document.getElementById('frame') as HTMLIFrameElement;
        frame.addEventListener('load', () => {
          const text = frame.contentDocument?.body?.textContent ?? '';
          for (const match of text.matchAll(/Save number \d+ reached the frame\./g))
            seen[match[0]] ??= Date.now();
        });
      });
      const latencies: number[] = [];
      for (let i = 1; i <= 20; i++) {
        const sentence = `Save number ${i} reached the frame.`;
        const start = Date.now();
        await appendFile(path.join(root, updateFile), `\n${sentence}\n`);
        const handle = await page.waitForFunction(
          (s) => (window as unknown as { seen: Record<string, number> }).seen[s],
          sentence,
          { timeout: 10_000 },
        );
        latencies.push(Number(await handle.jsonValue()) - start);
      }
      const sorted = [...latencies].sort((a, b) => a - b);
      const median = ((sorted[9] ?? 0) + (sorted[10] ?? 0)) / 2;
      console.log(
        `preview save-to-visible over 20 saves: median ${median.toFixed(0)} ms, worst ${(sorted.at(-1) ?? 0).toFixed(0)} ms`,
      );
      expect(latencies).toHaveLength(20);

      // The plain-text view shows the text part, with the new sentence; the view survives a save.
      await page.getByRole('button', { name: 'Plain text' }).click();
      await expect.poll(() => page.locator('#pane-text').isVisible()).toBe(true);
      expect(await page.locator('#pane-text').textContent()).toContain(
        'Save number 20 reached the frame.',
      );
      await appendFile(path.join(root, updateFile), '\nA sentence for the text view.\n');
      await expect
        .poll(() => page.locator('#pane-text').textContent())
        .toContain('A sentence for the text view.');
      expect(await page.locator('#pane-text').isVisible()).toBe(true);

      // The mobile view shows the email 375 px wide.
      await page.getByRole('button', { name: 'Mobile' }).click();
      await expect
        .poll(() => page.locator('#frame').evaluate((f) => f.getBoundingClientRect().width))
        .toBe(375);

      // A lint shows in the lints view with its position.
      await appendFile(
        path.join(root, updateFile),
        '\nSee [the agenda](http://example.net/agenda).\n',
      );
      await expect
        .poll(() => page.getByRole('button', { name: /^Lints/ }).textContent())
        .toBe('Lints (1)');
      await page.getByRole('button', { name: /^Lints/ }).click();
      expect(await page.locator('#lints li').allTextContents()).toEqual([
        expect.stringMatching(
          /^updates\/2014-02-10-second-round-geneva\.md:\d+:5: warning: Unexpected `http:` link URL, expected `https:`/,
        ),
      ]);

      // The dark view applies the email's dark-mode rules.
      await page.getByRole('button', { name: 'Dark' }).click();
      await expect
        .poll(() =>
          page
            .frameLocator('#frame')
            .locator('.sl-update')
            .first()
            .evaluate((el) => getComputedStyle(el).backgroundColor),
        )
        .toBe('rgb(28, 31, 35)');
      await page.getByRole('button', { name: 'Desktop' }).click();
      await expect
        .poll(() =>
          page
            .frameLocator('#frame')
            .locator('.sl-update')
            .first()
            .evaluate((el) => getComputedStyle(el).backgroundColor),
        )
        .toBe('rgb(255, 255, 255)');

      // Break the YAML: the error with its line replaces the email; fix it and the email is back.
      const good = await readFile(path.join(root, updateFile), 'utf8');
      await writeFile(
        path.join(root, updateFile),
        good.replace('date: 2014-02-10', 'date: [2014-02-10'),
      );
      await expect
        .poll(() => page.locator('#errors').textContent(), { timeout: 10_000 })
        .toContain(
          'updates/2014-02-10-second-round-geneva.md:3:1: Unexpected end of line, expected `]` to close the list',
        );
      expect(await page.locator('#pane-email').isVisible()).toBe(false);
      await writeFile(path.join(root, updateFile), good);
      await waitInFrame(page, 'A sentence for the text view.');
      expect(await page.locator('#errors').textContent()).toBe('');

      // A test copy goes to the outbox with [TEST] in the subject.
      await page.locator('#test-to').fill('editor@example.org');
      await page.getByRole('button', { name: 'Send test' }).click();
      await expect.poll(() => page.locator('#status').textContent()).toMatch(/^test sent: outbox /);
      const [eml] = await readdir(outbox);
      const raw = await readFile(path.join(outbox, eml ?? ''), 'utf8');
      expect(raw).toMatch(
        /^Subject: \[TEST\] Second Round Of Syrian Peace Talks Under Way in Geneva$/m,
      );
      expect(raw).toMatch(/^To: editor@example.org$/m);
      expect(await readdir(root)).not.toContain('archive');

      // Nothing the page or the email asked for left this machine.
      expect(requests.filter((url) => !url.startsWith(server.url))).toEqual([]);
    } finally {
      await page.close();
      await server.close();
    }
  });
});
