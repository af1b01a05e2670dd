import { existsSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { publish } from '../../src/commands/publishCommand.js';
import type { EditionRecord } from '../../src/ledger/EditionRecord.js';
import { captureIo } from './captureIo.js';
import { type FixtureFiles, sampleFiles, updateMd, writeFiles } from './fixture.js';
import { repoRoot } from './runCli.js';

/** The clock every archive test runs at: after every update of the fixtures. */
export const publishNow = new Date('2014-03-01T12:00:00Z');

/**
 * The environment a publish runs in: the outbox (no SMTP_URL), a fixed
 * secret, and no list from outside the content root, whatever the
 * developer's shell holds.
 */
export const publishEnv: NodeJS.ProcessEnv = {
  SMTP_URL: '',
  STORYLINE_SECRET: 'archive-test-secret-0123456789',
  STORYLINE_SUBSCRIBERS: '',
};

export interface PublishResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `publish()` in this process with its output captured, at `now`. */
export async function publishInProcess(
  root: string,
  now: Date = publishNow,
): Promise<PublishResult> {
  const captured = captureIo(root, { ...process.env, ...publishEnv }, () => now);
  const code = await publish({ root, io: captured.io });
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

/** Publish, failing the test with the command's output unless it exits 0. */
export async function publishOk(root: string, now: Date = publishNow): Promise<PublishResult> {
  const result = await publishInProcess(root, now);
  if (result.code !== 0) {
    throw new Error(`publish exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

/** Every `edition.json` under `archive/`, oldest first. */
export async function editionRecords(root: string): Promise<EditionRecord[]> {
  const archive = path.join(root, 'archive');
  const records: EditionRecord[] = [];
  for (const entry of await readdir(archive, { withFileTypes: true })) {
    const file = path.join(archive, entry.name, 'edition.json');
    if (entry.isDirectory() && existsSync(file))
      records.push(JSON.parse(await readFile(file, 'utf8')) as EditionRecord);
  }
  return records.sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id));
}

/** Subscribers of the archive fixture: named, so a leaked greeting would show. */
export const archiveSubscribers = [
  { email: 'ada@example.org', name: 'Ada Lovelace' },
  { email: 'grace@example.org', name: 'Grace Hopper' },
  { email: 'alan@example.org', name: 'Alan Turing' },
];

/** The sample's header with a per-recipient greeting, as a newsroom might add. */
const headerWithGreeting = `<mj-section css-class="sl-section sl-header" padding="20px 24px 16px">
  <mj-column>
    <mj-text mj-class="sl-masthead">
      <a href="{{view_url}}" style="color: inherit; text-decoration: none; text-transform: uppercase; font-weight: 700;">{{publication}}</a>
    </mj-text>
    <mj-text css-class="sl-greeting">Dear {{name}},</mj-text>
  </mj-column>
</mj-section>
`;

/** A correction of the sample update, mailed in the same edition as it. */
export const correctionFile = {
  'updates/2014-02-11-homs-figure.md': updateMd(
    'date: 2014-02-11\nkind: correction',
    'An earlier update said 300 civilians left Homs; the Syrian Red Crescent counted more than 600.\n',
  ),
};

/**
 * An update with a time, a new headline, relative links and a footnote: the
 * links the archive has to make absolute.
 */
export const talksStallFile = {
  'updates/2014-02-12-talks-stall.md': updateMd(
    'date: 2014-02-12T09:30:00+01:00\nheadline: Geneva Talks Stall Over Transitional Government\nsummary: Negotiators left the table after two hours.',
    [
      'Negotiators left the table after two hours, the BBC reported.[^1]',
      '![The conference room in Geneva](images/geneva-ii-talks.png)',
      'Read [every update](./) and [the first one](#2014-02-10-second-round-geneva).',
      '[^1]: BBC News, 12 February 2014.',
    ].join('\n\n'),
  ),
};

export interface PublishedStory {
  root: string;
  siteUrl: string;
  /** The edition records, oldest first: one holding the sample update and its correction, one holding `talksStallFile`. */
  editions: EditionRecord[];
  remove: () => Promise<void>;
}

/**
 * The sample story published twice, in a folder that outlives one test (for
 * a `beforeAll`): first the sample update with a correction of it (one
 * edition holding two updates), then an update with a time and a new
 * headline. Three named subscribers, a greeting in the template, no send
 * rate limit.
 */
export async function publishedStory(extra: FixtureFiles = {}): Promise<PublishedStory> {
  const root = await mkdtemp(path.join(tmpdir(), 'storyline-archive-'));
  for (const name of sampleFiles) {
    const from = path.join(repoRoot, name);
    if (existsSync(from)) await cp(from, path.join(root, name), { recursive: true });
  }
  const configPath = path.join(root, 'storyline.config.json');
  const config = JSON.parse(await readFile(configPath, 'utf8')) as Record<string, unknown>;
  config.send = { rate: 0, concurrency: 5 };
  await writeFile(configPath, `${JSON.stringify(config, null, 2)}\n`);
  await writeFiles(root, {
    'subscribers.csv': `email,name\n${archiveSubscribers.map((s) => `${s.email},${s.name}`).join('\n')}\n`,
    'templates/partials/header.mjml': headerWithGreeting,
    ...correctionFile,
    ...extra,
  });
  await publishOk(root);
  await writeFiles(root, talksStallFile);
  await publishOk(root);
  return {
    root,
    siteUrl: String(config.siteUrl),
    editions: await editionRecords(root),
    remove: () => rm(root, { recursive: true, force: true }),
  };
}
