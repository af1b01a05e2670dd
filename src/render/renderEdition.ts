import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { VFile } from 'vfile';
import { VFile as VFileClass } from 'vfile';
import type { Config } from '../config/configSchema.js';
import { reportProblem } from '../diagnostics/reportProblem.js';
import type { Edition } from '../edition/Edition.js';
import { textDirection } from '../i18n/textDirection.js';
import { wordsFor } from '../i18n/wordsFor.js';
import { editionUrl } from './editionLinks.js';
import { editionToMjml } from './editionToMjml.js';
import { editionToText } from './editionToText.js';
import { escapeXml } from './escapeXml.js';
import type { Template } from './loadTemplate.js';
import type { Rendered } from './Rendered.js';
import { contentSlot, type RecipientSlot, slotPattern } from './templateSlots.js';
import { withSectionDirection } from './withSectionDirection.js';

export type RenderResult = { ok: true; rendered: Rendered } | { ok: false; files: VFile[] };

type Mjml2Html = typeof import('mjml');
let mjml2htmlPromise: Promise<Mjml2Html> | undefined;

/** mjml takes ~0.6 s to import, so it is loaded on the first render only. */
function loadMjml(): Promise<Mjml2Html> {
  mjml2htmlPromise ??= import('mjml').then((module) => module.default as Mjml2Html);
  return mjml2htmlPromise;
}

/**
 * Render an edition once: its MJML into the template, compiled by mjml at
 * the strict validation level, edition slots filled, recipient slots left as
 * markers; and the plain text from the mdast. A template mjml rejects gives
 * messages at the template file and line.
 */
export async function renderEdition(
  edition: Edition,
  template: Template,
  config: Config,
): Promise<RenderResult> {
  const content = editionToMjml(edition, config);
  const source = withSectionDirection(template.text, textDirection(config.locale));
  const slot = new RegExp(`\\{\\{\\s*${contentSlot}\\s*\\}\\}`);
  const match = slot.exec(source);
  if (!match) throw new Error(`${template.path} has no {{content}}; loadTemplate reports this`);
  const mjml = source.slice(0, match.index) + content + source.slice(match.index + match[0].length);

  const mjml2html = await loadMjml();
  let html: string;
  try {
    const result = await mjml2html(mjml, {
      validationLevel: 'strict',
      ignoreIncludes: false,
      filePath: template.path,
      actualPath: template.path,
      includePath: template.dir,
      keepComments: false,
      fonts: {},
    });
    html = result.html;
  } catch (error) {
    const insertedAt = source.slice(0, match.index).split('\n').length;
    const insertedLines = content.split('\n').length - 1;
    return { ok: false, files: mjmlProblems(error, template, insertedAt, insertedLines) };
  }

  const nonce = randomBytes(6).toString('hex');
  const markers: Record<RecipientSlot, string> = {
    unsubscribe_url: `\u2063unsubscribe-${nonce}\u2063`,
    name: `\u2063name-${nonce}\u2063`,
  };
  const words = wordsFor(config.locale, config.labels);
  const values: Record<string, string> = {
    subject: escapeXml(edition.subject),
    preheader: escapeXml(edition.preheader),
    publication: escapeXml(config.publication),
    view_url: escapeXml(edition.viewUrl ?? editionUrl(config.siteUrl, edition.id)),
    archive_url: escapeXml(config.siteUrl),
    postal_address: escapeXml(config.postalAddress),
    lang: escapeXml(config.locale),
    dir: textDirection(config.locale),
    footer_note: escapeXml(words.get('footerNote', { publication: config.publication })),
    view_in_browser: escapeXml(words.get('viewInBrowserLink')),
    unsubscribe_label: escapeXml(words.get('unsubscribe')),
    ...markers,
  };
  html = html.replace(slotPattern, (whole, name: string) => values[name] ?? whole);
  const text = editionToText(edition, config, { unsubscribeUrl: markers.unsubscribe_url });
  return {
    ok: true,
    rendered: {
      edition,
      subject: edition.subject,
      preheader: edition.preheader,
      mjml,
      html,
      text,
      markers,
    },
  };
}

interface MjmlError {
  line?: number;
  message?: string;
  tagName?: string;
  formattedMessage?: string;
}

function mjmlProblems(
  error: unknown,
  template: Template,
  insertedAt: number,
  insertedLines: number,
): VFile[] {
  const files = new Map<string, VFile>();
  const fileFor = (filePath: string) => {
    let file = files.get(filePath);
    if (!file) {
      file = new VFileClass({ path: filePath });
      files.set(filePath, file);
    }
    return file;
  };
  const errors = (error as { errors?: MjmlError[] }).errors;
  if (!Array.isArray(errors) || errors.length === 0) {
    reportProblem(
      fileFor(template.path),
      `Unexpected MJML that does not parse (${(error as Error).message}), expected a well-formed <mjml> document`,
      undefined,
      'mjml',
    );
    return [...files.values()];
  }
  for (const e of errors) {
    const where = /^Line (\d+) of (.+?)(?:, included at .*)? \(/.exec(e.formattedMessage ?? '');
    const filePath = where?.[2] ? path.resolve(where[2]) : template.path;
    let line = Number(where?.[1] ?? e.line ?? 1);
    if (filePath === template.path && line > insertedAt) {
      // Lines after {{content}} moved down by what was inserted there.
      line = line > insertedAt + insertedLines ? line - insertedLines : insertedAt;
    }
    reportProblem(
      fileFor(filePath),
      `Unexpected MJML in <${e.tagName ?? 'unknown'}>: ${e.message ?? 'invalid'}`,
      { line, column: 1 },
      'mjml',
    );
  }
  return [...files.values()];
}
