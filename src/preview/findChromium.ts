import { existsSync } from 'node:fs';

/** Where Debian and Ubuntu put chromium; `STORYLINE_CHROMIUM`, when set, is the only place looked. */
export function findChromium(env: NodeJS.ProcessEnv): string | undefined {
  const candidates = env.STORYLINE_CHROMIUM
    ? [env.STORYLINE_CHROMIUM]
    : ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((candidate) => existsSync(candidate));
}

export const chromiumInstallHint =
  'storyline needs Chromium for screenshots: install it with `sudo apt-get install -y chromium` (Debian, Ubuntu), or set STORYLINE_CHROMIUM to a Chromium or Chrome executable';

/**
 * Flags for headless Chromium on a machine with no route to the internet:
 * without the background-networking ones it tries to reach Google at start.
 */
export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
