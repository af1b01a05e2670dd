import { existsSync } from 'node:fs';
import { lstat, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Root } from 'mdast';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import type { Config } from '../config/configSchema.js';
import { localPathOfUrl } from '../content/localPathOfUrl.js';
import { publishableType } from '../content/publishableFile.js';
import type { Story } from '../content/Story.js';
import { planEditionFromRecord } from '../edition/planEdition.js';
import { archiveDir, editionDir, editionRecordPath } from '../ledger/archivePaths.js';
import { recordJson } from '../ledger/currentRecordForm.js';
import { readLedger } from '../ledger/readLedger.js';
import type { TemplateResult } from '../render/loadTemplate.js';
import { renderEdition } from '../render/renderEdition.js';
import { assertWritableInsideRoot } from '../util/assertWritableInsideRoot.js';
import { resolveInsideRoot } from '../util/resolveInsideRoot.js';
import { writeIfChanged } from '../util/writeIfChanged.js';
import { editionPage } from './editionPage.js';
import { storyFeeds } from './storyFeeds.js';
import { storyPage } from './storyPage.js';
import { storyPageCount, storyPageFile } from './storyPageUrl.js';

export interface ArchiveResult {
  /** Files written or removed (pages of the living page no longer needed), relative to the content root. */
  written: string[];
  /** Template problems that kept an edition page from being made. */
  files: VFile[];
}

/**
 * Bring `archive/` up to date with the ledger: a web page and the text of
 * each edition mailed (written once, as sent, then left alone), the living
 * story page, the Atom and JSON feeds, and the story's own files (images)
 * that the pages link to. Every file is written atomically and only when
 * its bytes change, so a rerun with nothing new changes nothing.
 */
export async function writeArchive(
  root: string,
  story: Story,
  config: Config,
  template: TemplateResult,
): Promise<ArchiveResult> {
  const { ledger } = await readLedger(root);
  const written: string[] = [];
  const files: VFile[] = [];
  const write = async (filePath: string, data: string | Uint8Array) => {
    await assertWritableInsideRoot(root, filePath);
    if (await writeIfChanged(filePath, data)) written.push(path.relative(root, filePath));
  };

  // Records from older versions are rewritten without their list of earlier
  // updates; the rest of their bytes stay as they were.
  for (const record of ledger.oldForm)
    await write(editionRecordPath(root, record.id), recordJson(record));

  // One pass, oldest first: the updates of every edition before a record are
  // what it showed as earlier (records no longer list them).
  const earlier = new Set<string>();
  for (const record of ledger.editions) {
    const page = path.join(editionDir(root, record.id), 'index.html');
    const edition =
      existsSync(page) || !template.template
        ? undefined
        : planEditionFromRecord(story, record, earlier, config);
    for (const id of record.updates) earlier.add(id);
    if (!edition || !template.template) continue;
    const result = await renderEdition(edition, template.template, config);
    if (!result.ok) {
      files.push(...result.files);
      continue;
    }
    const { html, text } = editionPage(result.rendered, config, story.base);
    await write(page, html);
    await write(path.join(editionDir(root, record.id), 'email.txt'), text);
  }

  const inAnEdition = new Set(ledger.editions.flatMap((e) => e.updates));
  const published = story.updates.filter((u) => inAnEdition.has(u.id));
  const pageCount = storyPageCount(published, config);
  for (let number = 1; number <= pageCount; number++) {
    await write(
      path.join(archiveDir(root), storyPageFile(number)),
      storyPage(story, published, ledger.editions, config, number),
    );
  }
  // A smaller story or a larger `archive.pageSize` leaves fewer pages: no stale page stays.
  for (const name of await pageFiles(root)) {
    const number = Number(name.slice(0, -'.html'.length));
    if (number >= 2 && number <= pageCount) continue;
    const file = path.join(archiveDir(root), 'page', name);
    await assertWritableInsideRoot(root, file);
    await rm(file);
    written.push(path.relative(root, file));
  }
  const feeds = storyFeeds(story, published, config);
  await write(path.join(archiveDir(root), 'feed.xml'), feeds.atom);
  await write(path.join(archiveDir(root), 'feed.json'), feeds.json);

  for (const asset of localAssets(
    root,
    story,
    published.map((u) => u.body),
  )) {
    // `check` refuses a link out of the root; this guard keeps the archive
    // safe even so: a file that really lives elsewhere, or that is really
    // data behind a media name, is never copied.
    const resolved = await resolveInsideRoot(root, asset);
    if (resolved.status !== 'inside' || !publishableType(root, resolved.relative)) continue;
    await write(path.join(archiveDir(root), asset), await readFile(resolved.realPath));
  }
  return { written, files };
}

/** The numbered pages `archive/page/` holds (`2.html`…); none when it is missing or a link. */
async function pageFiles(root: string): Promise<string[]> {
  const dir = path.join(archiveDir(root), 'page');
  try {
    // A link is never followed (reportArchiveLinks reports it).
    if ((await lstat(dir)).isSymbolicLink()) return [];
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isFile() && /^\d+\.html$/.test(e.name)).map((e) => e.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/**
 * Files of the content root that published content links to by a relative
 * URL (the story's image, images and PDFs in bodies): the archive serves
 * them at the same path under siteUrl. Only media (`publishableType`):
 * never anything outside the root, a hidden file, data, or the archive itself.
 */
function localAssets(root: string, story: Story, bodies: Root[]): string[] {
  const urls: string[] = [];
  if (story.base.image) urls.push(story.base.image.src);
  for (const body of [story.base.body, ...bodies]) {
    visit(body, (node) => {
      if (node.type === 'image' || node.type === 'link' || node.type === 'definition')
        urls.push(node.url);
    });
  }
  const assets = new Set<string>();
  for (const url of urls) {
    const relative = localPathOfUrl(url);
    if (relative === undefined) continue;
    // Only media the preview would show too: never a linked CSV or config.
    if (relative.split(path.sep)[0] === 'archive' || !publishableType(root, relative)) continue;
    if (existsSync(path.join(root, relative))) assets.add(relative);
  }
  return [...assets].sort();
}
