import type { Catalog, Message } from './Catalog.js';
import { catalogChain } from './catalogChain.js';
import { en, type MessageKey } from './catalogs/en.js';
import { shippedCatalogs } from './shippedCatalogs.js';
import type { Labels, MessageValues, Words } from './Words.js';

/**
 * The words storyline writes for `locale`: a config label if set, else the
 * first catalog along the fallback chain (`fr-CH`, `fr`, `en`) with the key.
 * A plural message takes its form from `Intl.PluralRules` and its `{count}`
 * from `Intl.NumberFormat`, both in `locale`. A label for a plural message
 * is one string: without `{count}` in it, the count goes in front (so
 * `"moreUpdates": "more updates in the archive"` reads "3 more updates in
 * the archive"). Pure.
 */
export function wordsFor(
  locale: string,
  labels: Labels = {},
  catalogs: Readonly<Record<string, Catalog<MessageKey>>> = shippedCatalogs,
): Words {
  const chain = catalogChain(locale)
    .map((tag) => catalogs[tag])
    .filter((catalog): catalog is Catalog<MessageKey> => catalog !== undefined);
  const plurals = new Intl.PluralRules(locale);
  const numbers = new Intl.NumberFormat(locale);
  const messageOf = (key: MessageKey): Message => {
    const label = labels[key];
    if (label !== undefined) {
      return typeof en[key] === 'string' || label.includes('{count}') ? label : `{count} ${label}`;
    }
    for (const catalog of chain) {
      const message = catalog[key];
      if (message !== undefined) return message;
    }
    return en[key];
  };
  return {
    locale,
    get(key, values = {}) {
      const message = messageOf(key);
      const count = values.count;
      const form =
        typeof message === 'string'
          ? message
          : ((count === undefined ? undefined : message[plurals.select(count)]) ?? message.other);
      return fill(form, values, numbers);
    },
  };
}

function fill(message: string, values: MessageValues, numbers: Intl.NumberFormat): string {
  return message.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? numbers.format(value) : value;
  });
}
