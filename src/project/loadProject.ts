import path from 'node:path';
import type { VFile } from 'vfile';
import { readSentUpdateIds } from '../archive/readSentUpdateIds.js';
import type { Config } from '../config/configSchema.js';
import { loadConfig } from '../config/loadConfig.js';
import { loadStory } from '../content/loadStory.js';
import type { Story } from '../content/Story.js';
import { hasErrors } from '../diagnostics/collectProblems.js';

export interface Project {
  root: string;
  config: Config;
  story: Story | undefined;
  /** Ids of updates an edition has finished delivering. */
  sent: Set<string>;
  /** The config file and every content file, with their messages. */
  files: VFile[];
  /** True when any file has an error. */
  failed: boolean;
}

/** Load config, content and the archive ledger of a content root. */
export async function loadProject(root: string, now: Date): Promise<Project> {
  const absolute = path.resolve(root);
  const { config, file: configFile } = await loadConfig(absolute);
  const [content, sent] = await Promise.all([
    loadStory(absolute, { timeZone: config.timeZone, now }),
    readSentUpdateIds(absolute),
  ]);
  const files = [configFile, ...content.files];
  return { root: absolute, config, story: content.story, sent, files, failed: hasErrors(files) };
}
