import type { Config } from '../config/configSchema.js';
import type { Edition } from '../edition/Edition.js';
import { editionUrl, shownEarlierUpdates, updateUrl } from './editionLinks.js';
import { formatUpdateLabel } from './formatUpdateLabel.js';
import { mdastToText, underline, wrapText } from './mdastToText.js';
import { summarizeUpdate } from './summarizeUpdate.js';
import { TextReferences } from './TextReferences.js';

type TextConfig = Pick<
  Config,
  'siteUrl' | 'locale' | 'timeZone' | 'labels' | 'earlierUpdates' | 'publication' | 'postalAddress'
>;

/** Values that differ per recipient, written as-is into the text. */
export interface TextPersonal {
  unsubscribeUrl: string;
}

/**
 * The plain-text part, built from the mdast in the same order as the HTML:
 * header, image credit, headline, dek, new updates with labels, earlier
 * updates, base story, byline, link references, footer. Pure.
 */
export function editionToText(
  edition: Edition,
  config: TextConfig,
  personal: TextPersonal,
): string {
  const references = new TextReferences();
  const options = { siteUrl: config.siteUrl, references };
  const { base } = edition;
  const view = edition.viewUrl ?? editionUrl(config.siteUrl, edition.id);
  const parts: string[] = [];

  parts.push(wrapText(`${config.publication}\nView it in your browser: ${view}`));
  if (base.image?.credit) parts.push(wrapText(base.image.credit));
  parts.push(underline(edition.headline, '='));
  if (base.dek) parts.push(wrapText(base.dek));

  for (const update of edition.newUpdates) {
    parts.push(formatUpdateLabel(update, config));
    parts.push(mdastToText(update.body, options));
  }

  const { shown, more } = shownEarlierUpdates(edition, config.earlierUpdates);
  if (shown.length > 0) {
    parts.push(underline(config.labels.earlierUpdates, '-'));
    for (const update of shown) {
      const n = references.number(updateUrl(config.siteUrl, update.id));
      parts.push(
        wrapText(
          `${formatUpdateLabel(update, config)} ${summarizeUpdate(update)} ${config.labels.readMore} [${n}]`,
        ),
      );
    }
    if (more > 0) parts.push(wrapText(`${more} ${config.labels.moreUpdates}: ${config.siteUrl}`));
  }

  // No separator before the base story: the seed runs straight on.
  parts.push(mdastToText(base.body, options));
  if (base.byline) parts.push(base.byline);

  const list = references.list();
  if (list.length > 0) parts.push(`Links:\n${list.join('\n')}`);

  const footer = [
    `-- `,
    wrapText(
      `You are receiving ${config.publication} because you subscribed to updates on this story.`,
    ),
    // On its own line: the URL is only known per recipient, and with its token it
    // is too long to share a 72-column line with the word.
    `Unsubscribe:\n${personal.unsubscribeUrl}`,
  ];
  if (config.postalAddress) footer.push(wrapText(config.postalAddress));
  parts.push(footer.join('\n'));

  return `${parts.filter(Boolean).join('\n\n')}\n`;
}
