import type { Config } from '../config/configSchema.js';
import type { Edition } from '../edition/Edition.js';
import { wordsFor } from '../i18n/wordsFor.js';
import { absoluteUrl } from './absoluteUrl.js';
import { shownEarlierUpdates, updateUrl } from './editionLinks.js';
import { escapeXml } from './escapeXml.js';
import { updateLabelHtml } from './formatUpdateLabel.js';
import { differs, type Language, storyLanguages } from './Language.js';
import { mdastToHtml } from './mdastToHtml.js';
import { summarizeUpdate } from './summarizeUpdate.js';

type MjmlConfig = Pick<Config, 'siteUrl' | 'locale' | 'timeZone' | 'labels' | 'earlierUpdates'>;

/**
 * The body of an edition as MJML sections, in the seed's order: image and
 * credit, headline, dek, the new updates with their labels, earlier updates
 * (shorter), the base story, the byline. Styling comes from the `mj-class`
 * names, which the templates define. Words come from the locale's catalog.
 *
 * Gmail and others drop the `lang` and `dir` of `<html>` and `<body>`, so a
 * block written right to left, or in another language than the
 * publication's, is wrapped in a `<div dir lang>` of its own (with the
 * `sl-rtl` class the template mirrors lists, quotes and tables by) and its
 * `mj-text` aligned right. A left-to-right edition in one language gets no
 * wrappers: its blocks inherit the body's. Pure.
 */
export function editionToMjml(edition: Edition, config: MjmlConfig): string {
  const { base } = edition;
  const words = wordsFor(config.locale, config.labels);
  const languages = storyLanguages(base, config);
  const text = (attributes: string, html: string, language: Language): string => {
    const wrap = language.dir === 'rtl' || differs(language, languages.publication);
    const align =
      language.dir === 'rtl'
        ? ' align="right"'
        : languages.publication.dir === 'rtl'
          ? ' align="left"'
          : '';
    const content = wrap
      ? `<div dir="${language.dir}" lang="${escapeXml(language.lang)}"${language.dir === 'rtl' ? ' class="sl-rtl"' : ''}>${html}</div>`
      : html;
    return `<mj-text ${attributes}${align}>${content}</mj-text>`;
  };
  const { publication, story } = languages;

  const lead: string[] = [];
  if (base.image) {
    lead.push(
      `<mj-image mj-class="sl-image" src="${escapeXml(absoluteUrl(base.image.src, config.siteUrl))}" alt="${escapeXml(base.image.alt)}" />`,
    );
    if (base.image.credit)
      lead.push(text('mj-class="sl-credit"', escapeXml(base.image.credit), story));
  }
  lead.push(text('mj-class="sl-headline"', `<h1>${escapeXml(edition.headline)}</h1>`, story));
  if (base.dek)
    lead.push(text('mj-class="sl-dek" css-class="sl-dek"', `<p>${escapeXml(base.dek)}</p>`, story));

  const sections = [section('sl-lead', lead)];

  for (const update of edition.newUpdates) {
    const kind = update.kind === 'correction' ? 'sl-label sl-correction' : 'sl-label';
    const body = mdastToHtml(update.body, {
      siteUrl: config.siteUrl,
      idPrefix: update.id,
      words,
    });
    sections.push(
      section('sl-update', [
        text(
          `mj-class="${kind}" css-class="sl-label"`,
          `<p id="${escapeXml(update.id)}">${updateLabelHtml(update, config)}</p>`,
          publication,
        ),
        text('mj-class="sl-prose"', body, languages.of(update)),
      ]),
    );
  }

  const { shown, more } = shownEarlierUpdates(edition, config.earlierUpdates);
  if (shown.length > 0) {
    const earlier = [
      '<mj-divider css-class="sl-divider" />',
      text(
        'mj-class="sl-earlier-heading" css-class="sl-earlier-heading"',
        `<p>${escapeXml(words.get('earlierUpdates'))}</p>`,
        publication,
      ),
    ];
    for (const update of shown) {
      const link = `<a href="${escapeXml(updateUrl(config.siteUrl, update.id))}">${escapeXml(words.get('readMore'))}</a>`;
      const own = languages.of(update);
      const summary = differs(own, publication)
        ? `<span dir="${own.dir}" lang="${escapeXml(own.lang)}">${escapeXml(summarizeUpdate(update))}</span>`
        : escapeXml(summarizeUpdate(update));
      earlier.push(
        text(
          'mj-class="sl-earlier" css-class="sl-earlier"',
          `<p><strong>${updateLabelHtml(update, config)}</strong> ${summary} ${link}</p>`,
          publication,
        ),
      );
    }
    if (more > 0) {
      earlier.push(
        text(
          'mj-class="sl-earlier" css-class="sl-earlier"',
          `<p><a href="{{archive_url}}">${escapeXml(words.get('moreUpdates', { count: more }))}</a></p>`,
          publication,
        ),
      );
    }
    sections.push(section('sl-earlier-updates', earlier));
  }

  const storyBlocks = [
    '<mj-divider css-class="sl-divider" />',
    text(
      'mj-class="sl-prose"',
      mdastToHtml(base.body, { siteUrl: config.siteUrl, idPrefix: 'story', words }),
      story,
    ),
  ];
  if (base.byline)
    storyBlocks.push(
      text('mj-class="sl-byline" css-class="sl-byline"', `<p>${escapeXml(base.byline)}</p>`, story),
    );
  sections.push(section('sl-story', storyBlocks));

  return sections.join('\n');
}

function section(cssClass: string, children: string[]): string {
  return `<mj-section css-class="sl-section ${cssClass}">\n<mj-column>\n${children.join('\n')}\n</mj-column>\n</mj-section>`;
}
