import type { Config } from '../config/configSchema.js';
import type { Update } from '../content/Story.js';
import { textDirection } from '../i18n/textDirection.js';
import { wordsFor } from '../i18n/wordsFor.js';
import { escapeXml } from './escapeXml.js';

type LabelConfig = Pick<Config, 'locale' | 'timeZone' | 'labels'>;

const dayFormats = new Map<string, Intl.DateTimeFormat>();
const timeFormats = new Map<string, Intl.DateTimeFormat>();

/** First strong isolate and pop directional isolate: `<bdi>` for plain text. */
const isolateStart = '\u2068';
const isolateEnd = '\u2069';

/**
 * "Update 2/10/2014:" or "Correction 2/11/2014, 9:30 AM EST:", in the
 * config's locale (its words, its date format) and time zone. A date only is
 * shown as written; an update with a time shows the time in the configured
 * zone. In a right-to-left locale the date is bidi-isolated (U+2068 …
 * U+2069) so its digits and slashes keep their order next to the word
 * ("تحديث ⁨10‏/2‏/2014⁩:"); a left-to-right label needs no marks, and plain
 * text readers that show them as boxes are spared. Pure.
 */
export function formatUpdateLabel(update: Update, config: LabelConfig): string {
  const { word, date } = updateLabelParts(update, config);
  return textDirection(config.locale) === 'rtl'
    ? `${word} ${isolateStart}${date}${isolateEnd}:`
    : `${word} ${date}:`;
}

/**
 * The label for email HTML: the date in a `dir="auto"` span, which HTML
 * isolates like `<bdi>` (Gmail, Outlook and Yahoo drop `<bdi>` but keep
 * `dir`, by caniemail's data), so it reads right in either direction.
 */
export function updateLabelHtml(update: Update, config: LabelConfig): string {
  const { word, date } = updateLabelParts(update, config);
  return `${escapeXml(word)} <span dir="auto">${escapeXml(date)}</span>:`;
}

/** The label's word ("Update", "تحديث") and its date, unjoined. */
export function updateLabelParts(
  update: Update,
  config: LabelConfig,
): { word: string; date: string } {
  const words = wordsFor(config.locale, config.labels);
  const word = words.get(update.kind === 'correction' ? 'correction' : 'update');
  return { word, date: formatUpdateDate(update, config) };
}

/** The date part of the label: `2/10/2014`, or `2/10/2014, 9:30 AM EST`. */
export function formatUpdateDate(update: Update, config: LabelConfig): string {
  const { date } = update;
  if (date.time === undefined) {
    const [y, m, d] = date.day.split('-').map(Number);
    return formatter(dayFormats, config.locale, 'UTC', false).format(
      Date.UTC(y ?? 0, (m ?? 1) - 1, d ?? 1),
    );
  }
  return formatter(timeFormats, config.locale, config.timeZone, true).format(date.epochMs);
}

function formatter(
  cache: Map<string, Intl.DateTimeFormat>,
  locale: string,
  timeZone: string,
  withTime: boolean,
): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}`;
  let format = cache.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      ...(withTime ? { hour: 'numeric', minute: '2-digit', timeZoneName: 'short' } : {}),
    });
    cache.set(key, format);
  }
  return format;
}
