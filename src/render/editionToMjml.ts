import type { Config } from '../config/configSchema.js';
import type { Edition } from '../edition/Edition.js';
import { absoluteUrl } from './absoluteUrl.js';
import { shownEarlierUpdates, updateUrl } from './editionLinks.js';
import { escapeXml } from './escapeXml.js';
import { formatUpdateLabel } from './formatUpdateLabel.js';
import { mdastToHtml } from './mdastToHtml.js';
import { summarizeUpdate } from './summarizeUpdate.js';

type MjmlConfig = Pick<Config, 'siteUrl' | 'locale' | 'timeZone' | 'labels' | 'earlierUpdates'>;

/**
 * The body of an edition as MJML sections, in the seed's order: image and
 * credit, headline, dek, the new updates with their labels, earlier updates
 * (shorter), the base story, the byline. Styling comes from the `mj-class`
 * names, which the templates define. Pure.
 */
export function editionToMjml(edition: Edition, config: MjmlConfig): string {
  const { base } = edition;
  const lead: string[] = [];
  if (base.image) {
    lead.push(
      `<mj-image mj-class="sl-image" src="${escapeXml(absoluteUrl(base.image.src, config.siteUrl))}" alt="${escapeXml(base.image.alt)}" />`,
    );
    if (base.image.credit)
      lead.push(`<mj-text mj-class="sl-credit">${escapeXml(base.image.credit)}</mj-text>`);
  }
  lead.push(`<mj-text mj-class="sl-headline"><h1>${escapeXml(edition.headline)}</h1></mj-text>`);
  if (base.dek)
    lead.push(
      `<mj-text mj-class="sl-dek" css-class="sl-dek"><p>${escapeXml(base.dek)}</p></mj-text>`,
    );

  const sections = [section('sl-lead', lead)];

  for (const update of edition.newUpdates) {
    const kind = update.kind === 'correction' ? 'sl-label sl-correction' : 'sl-label';
    sections.push(
      section('sl-update', [
        `<mj-text mj-class="${kind}" css-class="sl-label"><p id="${escapeXml(update.id)}">${escapeXml(formatUpdateLabel(update, config))}</p></mj-text>`,
        `<mj-text mj-class="sl-prose">${mdastToHtml(update.body, { siteUrl: config.siteUrl, idPrefix: update.id })}</mj-text>`,
      ]),
    );
  }

  const { shown, more } = shownEarlierUpdates(edition, config.earlierUpdates);
  if (shown.length > 0) {
    const earlier = [
      '<mj-divider css-class="sl-divider" />',
      `<mj-text mj-class="sl-earlier-heading" css-class="sl-earlier-heading"><p>${escapeXml(config.labels.earlierUpdates)}</p></mj-text>`,
    ];
    for (const update of shown) {
      const link = `<a href="${escapeXml(updateUrl(config.siteUrl, update.id))}">${escapeXml(config.labels.readMore)}</a>`;
      earlier.push(
        `<mj-text mj-class="sl-earlier" css-class="sl-earlier"><p><strong>${escapeXml(formatUpdateLabel(update, config))}</strong> ${escapeXml(summarizeUpdate(update))} ${link}</p></mj-text>`,
      );
    }
    if (more > 0) {
      earlier.push(
        `<mj-text mj-class="sl-earlier" css-class="sl-earlier"><p><a href="{{archive_url}}">${more} ${escapeXml(config.labels.moreUpdates)}</a></p></mj-text>`,
      );
    }
    sections.push(section('sl-earlier-updates', earlier));
  }

  const story = [
    '<mj-divider css-class="sl-divider" />',
    `<mj-text mj-class="sl-prose">${mdastToHtml(base.body, { siteUrl: config.siteUrl, idPrefix: 'story' })}</mj-text>`,
  ];
  if (base.byline)
    story.push(
      `<mj-text mj-class="sl-byline" css-class="sl-byline"><p>${escapeXml(base.byline)}</p></mj-text>`,
    );
  sections.push(section('sl-story', story));

  return sections.join('\n');
}

function section(cssClass: string, children: string[]): string {
  return `<mj-section css-class="sl-section ${cssClass}">\n<mj-column>\n${children.join('\n')}\n</mj-column>\n</mj-section>`;
}
