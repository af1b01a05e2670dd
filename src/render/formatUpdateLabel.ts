import type { Config } from '../config/configSchema.js';
import type { Update } from '../content/Story.js';

type LabelConfig = Pick<Config, 'locale' | 'timeZone' | 'labels'>;

const dayFormats = new Map<string, Intl.DateTimeFormat>();
const timeFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * "Update 2/10/2014:" or "Correction 2/11/2014, 9:30 AM EST:", from the
 * config's locale and time zone. A date only is shown as written; an update
 * with a time shows the time in the configured zone. Pure.
 */
export function formatUpdateLabel(update: Update, config: LabelConfig): string {
  const word = update.kind === 'correction' ? config.labels.correction : config.labels.update;
  return `${word} ${formatUpdateDate(update, config)}:`;
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
