import type { Config } from '../config/configSchema.js';
import type { Edition } from '../edition/Edition.js';
import { wordsFor } from '../i18n/wordsFor.js';
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
  const words = wordsFor(config.locale, config.labels);
  const parts: string[] = [];

  parts.push(wrapText(`${config.publication}\n${words.get('viewInBrowser')}: ${view}`));
  if (base.image?.credit) parts.push(wrapText(base.image.credit));
  parts.push(underline(edition.headline, '='));
  if (base.dek) parts.push(wrapText(base.dek));

  for (const update of edition.newUpdates) {
    parts.push(formatUpdateLabel(update, config));
    parts.push(mdastToText(update.body, options));
  }

  const { shown, more } = shownEarlierUpdates(edition, config.earlierUpdates);
  if (shown.length > 0) {
    parts.push(underline(words.get('earlierUpdates'), '-'));
    for (const update of shown) {
      const n = references.number(updateUrl(config.siteUrl, update.id));
      parts.push(
        wrapText(
          `${formatUpdateLabel(update, config)} ${summarizeUpdate(update)} ${words.get('readMore')} [${n}]`,
        ),
      );
    }
    if (more > 0)
      parts.push(wrapText(`${words.get('moreUpdates', { count: more })}: ${config.siteUrl}`));
  }

  // No separator before the base story: the seed runs straight on.
  parts.push(mdastToText(base.body, options));
  if (base.byline) parts.push(base.byline);

  const list = references.list();
  if (list.length > 0) parts.push(`${words.get('links')}:\n${list.join('\n')}`);

  const footer = [
    `-- `,
    wrapText(words.get('footerNote', { publication: config.publication })),
    // On its own line: the URL is only known per recipient, and with its token it
    // is too long to share a 72-column line with the word.
    `${words.get('unsubscribe')}:\n${personal.unsubscribeUrl}`,
  ];
  if (config.postalAddress) footer.push(wrapText(config.postalAddress));
  parts.push(footer.join('\n'));

  return `${parts.filter(Boolean).join('\n\n')}\n`;
}
