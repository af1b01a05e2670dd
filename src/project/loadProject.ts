import path from 'node:path';
import type { VFile } from 'vfile';
import type { Config } from '../config/configSchema.js';
import { loadConfig } from '../config/loadConfig.js';
import type { ContentCache } from '../content/ContentCache.js';
import { loadStory } from '../content/loadStory.js';
import type { Story } from '../content/Story.js';
import { hasErrors } from '../diagnostics/collectProblems.js';
import type { EditionRecord } from '../ledger/EditionRecord.js';
import type { LedgerCache } from '../ledger/LedgerCache.js';
import { readLedger } from '../ledger/readLedger.js';
import { reportArchiveLinks } from '../ledger/reportArchiveLinks.js';
import { checkStorySize } from './checkStorySize.js';

export interface Project {
  root: string;
  config: Config;
  story: Story | undefined;
  /** Ids of updates an edition has finished delivering. */
  sent: Set<string>;
  /** An edition whose delivery started and did not finish, to resume first. */
  inProgress: EditionRecord | undefined;
  /** Every edition in the archive, oldest first. */
  editions: EditionRecord[];
  /** The config file and every content file, with their messages. */
  files: VFile[];
  /** True when any file has an error. */
  failed: boolean;
}

export interface LoadProjectOptions {
  /** Parsed content kept between loads: only changed files are parsed again. */
  cache?: ContentCache | undefined;
  /** Archive records and folder listings kept between loads: only changed ones are read again. */
  ledgerCache?: LedgerCache | undefined;
}

/** Load config, content and the archive ledger of a content root. */
export async function loadProject(
  root: string,
  now: Date,
  options: LoadProjectOptions = {},
): Promise<Project> {
  const absolute = path.resolve(root);
  const { config, file: configFile } = await loadConfig(absolute);
  const [content, archive, archiveLinks] = await Promise.all([
    loadStory(absolute, { timeZone: config.timeZone, now, cache: options.cache }),
    readLedger(absolute, { cache: options.ledgerCache }),
    reportArchiveLinks(absolute, options.ledgerCache),
  ]);
  checkStorySize(absolute, content.files);
  const files = [configFile, ...content.files, ...archive.files, ...archiveLinks];
  const { sent, inProgress, editions } = archive.ledger;
  return {
    root: absolute,
    config,
    story: content.story,
    sent,
    inProgress,
    editions,
    files,
    failed: hasErrors(files),
  };
}
