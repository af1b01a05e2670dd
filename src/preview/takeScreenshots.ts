import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromiumArgs } from './findChromium.js';

export interface ScreenshotOptions {
  /** The preview server's base URL. */
  url: string;
  /** Update id of the edition, or undefined for the pending one. */
  edition: string | undefined;
  dir: string;
  executablePath: string;
}

/** The three views a reviewer looks at: desktop, mobile, and dark mode. */
export const screenshotViews = [
  { file: 'desktop.png', width: 800, colorScheme: 'light' },
  { file: 'mobile.png', width: 375, colorScheme: 'light' },
  { file: 'dark.png', width: 600, colorScheme: 'dark' },
] as const;

/**
 * Full-page PNGs of the email as the preview serves it, in Chromium through
 * playwright-core (which gives the browser a fresh profile each launch).
 */
export async function takeScreenshots(options: ScreenshotOptions): Promise<string[]> {
  const { chromium } = await import('playwright-core');
  await mkdir(options.dir, { recursive: true });
  const browser = await chromium.launch({
    executablePath: options.executablePath,
    args: chromiumArgs,
  });
  const written: string[] = [];
  try {
    for (const view of screenshotViews) {
      const page = await browser.newPage({
        viewport: { width: view.width, height: 900 },
        colorScheme: view.colorScheme,
      });
      const query = options.edition ? `?edition=${encodeURIComponent(options.edition)}` : '';
      await page.goto(new URL(`email.html${query}`, options.url).href, { waitUntil: 'load' });
      const file = path.join(options.dir, view.file);
      await page.screenshot({ path: file, fullPage: true });
      written.push(file);
      await page.close();
    }
  } finally {
    await browser.close();
  }
  return written;
}
