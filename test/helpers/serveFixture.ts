import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import type { Config } from '../../src/config/configSchema.js';
import { loadConfig } from '../../src/config/loadConfig.js';
import { outboxTransport } from '../../src/deliver/transports/outboxTransport.js';
import type { Transport } from '../../src/deliver/transports/Transport.js';
import { createServeApp, type ServeAppOptions } from '../../src/serve/createServeApp.js';
import { openStore } from '../../src/store/openStore.js';
import type { Store } from '../../src/store/Store.js';
import { fixture, storyMd } from './fixture.js';

export const serveSecret = 'serve-test-secret-0123456789';
export const siteUrl = 'https://example.org/syria-talks/';
export const publicUrl = 'https://news.example.org/brief/';

export interface ServeFixture {
  root: string;
  config: Config;
  store: Store;
  app: Awaited<ReturnType<typeof createServeApp>>;
  /** Every log line, parsed. */
  logs: Record<string, unknown>[];
  /** Subscriber ids passed to onConfirmed. */
  confirmed: number[];
  /** The clock the service reads; tests move it. */
  clock: { now: Date };
  /** The confirmation mails written to the outbox, oldest first (one file each). */
  mails(): Promise<string[]>;
}

/**
 * A content root with a story and a config naming `serve.publicUrl`, a
 * SQLite store in it (or the store `openTestStore` gives), and the service
 * on it, its confirmation mails written one file each to the outbox.
 */
export async function serveFixture(
  options: {
    serve?: Record<string, unknown>;
    store?: (root: string) => Promise<Store>;
    transport?: Transport;
    app?: Partial<ServeAppOptions>;
  } = {},
): Promise<ServeFixture> {
  const root = await fixture({
    'story.md': storyMd,
    'storyline.config.json': JSON.stringify({
      publication: 'The Syria Brief',
      from: 'The Syria Brief <brief@example.org>',
      siteUrl,
      serve: { publicUrl, ...options.serve },
    }),
  });
  const { config, file } = await loadConfig(root);
  if (file.messages.length > 0) throw new Error(String(file.messages[0]));
  const store = options.store
    ? await options.store(root)
    : await openStore({ engine: 'sqlite', file: path.join(root, '.storyline', 'test.db') });
  const outbox = path.join(root, '.storyline', 'outbox', 'confirmations');
  let count = 0;
  const transport =
    options.transport ??
    outboxTransport(outbox, {
      root,
      fileName: () => `${String(++count).padStart(5, '0')}.eml`,
    });
  const logs: Record<string, unknown>[] = [];
  const confirmed: number[] = [];
  const clock = { now: new Date('2026-03-01T12:00:00Z') };
  const app = await createServeApp({
    root,
    config,
    store,
    secret: serveSecret,
    transport,
    now: () => clock.now,
    log: (line) => logs.push(JSON.parse(line) as Record<string, unknown>),
    onConfirmed: (id) => confirmed.push(id),
    ...options.app,
  });
  onTestFinished(async () => {
    await app.close();
    await store.close();
  });
  return {
    root,
    config,
    store,
    app,
    logs,
    confirmed,
    clock,
    async mails() {
      await app.whenIdle();
      let names: string[];
      try {
        names = (await readdir(outbox)).sort();
      } catch {
        return [];
      }
      return Promise.all(names.map((name) => readFile(path.join(outbox, name), 'utf8')));
    },
  };
}

/** The confirmation link's token in a mail's text (quoted-printable soft breaks undone). */
export function confirmTokenIn(mail: string): string {
  const unfolded = mail.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
  const match = /\/confirm\?token=([A-Za-z0-9_-]{43})/.exec(unfolded);
  if (!match?.[1]) throw new Error('no confirmation link in the mail');
  return match[1];
}

export async function writeConfig(root: string, config: unknown): Promise<void> {
  await writeFile(path.join(root, 'storyline.config.json'), JSON.stringify(config));
}
