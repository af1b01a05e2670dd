import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chromiumArgs } from '../../src/preview/findChromium.js';

export const chromiumPath = '/usr/bin/chromium';

/** Why browser tests cannot run here, or `undefined` when they can. */
export function browserSkipReason(): string | undefined {
  if (existsSync(chromiumPath)) return undefined;
  const reason = `chromium is not installed at ${chromiumPath}; install it with \`apt-get install -y chromium\` to run the browser tests (CI does)`;
  if (process.env.CI) throw new Error(`CI must run the browser tests, but ${reason}`);
  return reason;
}

/**
 * Debian's chromium, headless, with the flags this machine's closed network
 * needs. playwright-core gives every launch a fresh, empty user-data-dir.
 */
export async function launchBrowser(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
}

/**
 * Serve requests under `siteUrl` from files in `root` (where the archive
 * would publish them) and refuse everything else, so a page never reaches
 * the network. A URL ending in `/` is served its folder's `index.html`, as a
 * static host serves the archive.
 */
export async function serveSiteFromRoot(page: Page, siteUrl: string, root: string): Promise<void> {
  await page.route('**/*', async (route) => {
    const url = route.request().url();
    if (!url.startsWith(siteUrl)) return route.abort();
    const pathname = decodeURIComponent(
      new URL(url).pathname.slice(new URL(siteUrl).pathname.length),
    );
    const file = path.join(
      root,
      pathname === '' || pathname.endsWith('/') ? `${pathname}index.html` : pathname,
    );
    try {
      return route.fulfill({ body: await readFile(file), contentType: contentType(file) });
    } catch {
      return route.fulfill({ status: 404, body: 'not found' });
    }
  });
}

function contentType(file: string): string {
  const types: Record<string, string> = {
    '.png': 'image/png',
    '.jpg': 'image/jpeg',
    '.jpeg': 'image/jpeg',
    '.gif': 'image/gif',
    '.svg': 'image/svg+xml',
    '.html': 'text/html',
  };
  return types[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}
