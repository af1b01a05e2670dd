import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import type { EditionRecord } from '../../src/ledger/EditionRecord.js';

export type FixtureFiles = Record<string, string | Buffer>;

/** A minimal valid `story.md`. */
export const storyMd = `---
title: Talks Open in Montreux
published: 2014-01-22
---

The talks opened today.
`;

/** Write files into a fresh temporary folder, removed when the test ends. */
export async function fixture(files: FixtureFiles): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'storyline-test-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  await writeFiles(dir, files);
  return dir;
}

export async function writeFiles(dir: string, files: FixtureFiles): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    const filePath = path.join(dir, name);
    await mkdir(path.dirname(filePath), { recursive: true });
    await writeFile(filePath, content);
  }
}

/** An update file with the given front matter lines and body. */
export function updateMd(frontMatter: string, body = 'Something happened.\n'): string {
  return `---\n${frontMatter.trim()}\n---\n\n${body}`;
}

/** The files that make up the sample story, relative to the repository. */
export const sampleFiles = [
  'story.md',
  'updates',
  'storyline.config.json',
  'templates',
  'images',
  'subscribers.example.csv',
];

/** A copy of the repository's sample story in a temporary folder, with no archive. */
export async function sampleFixture(): Promise<string> {
  const repo = path.resolve(import.meta.dirname, '../..');
  const dir = await fixture({});
  for (const name of sampleFiles) {
    const from = path.join(repo, name);
    if (existsSync(from)) await cp(from, path.join(dir, name), { recursive: true });
  }
  return dir;
}

/**
 * `edition.json` as storyline writes it, from the fields a test cares about:
 * the archive's records are read through a schema that requires them all.
 */
export function editionRecordJson(
  record: Pick<EditionRecord, 'id' | 'updates' | 'complete'> & Partial<EditionRecord>,
): string {
  return JSON.stringify({
    headline: 'A headline',
    subject: 'A subject',
    preheader: 'A preheader',
    shards: 1,
    startedAt: '2014-02-10T12:00:00.000Z',
    finishedAt: record.complete ? '2014-02-10T12:05:00.000Z' : null,
    counts: { sent: 1, failed: 0, suppressed: 0, deferred: 0 },
    ...record,
  });
}
