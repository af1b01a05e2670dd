import type { Catalog } from './Catalog.js';
import { catalogChain } from './catalogChain.js';
import type { MessageKey } from './catalogs/en.js';
import { messageKeys, shippedCatalogs } from './shippedCatalogs.js';
import type { Labels } from './Words.js';

/**
 * The keys `locale` would show in English although it is not English: in
 * no catalog along its fallback chain before English, and not set in
 * `labels`. Empty for any English locale. Pure.
 */
export function missingMessages(
  locale: string,
  labels: Labels = {},
  catalogs: Readonly<Record<string, Catalog<MessageKey>>> = shippedCatalogs,
): MessageKey[] {
  const chain = catalogChain(locale);
  const before = chain.slice(0, chain.indexOf('en'));
  if (new Intl.Locale(locale).language === 'en') return [];
  return messageKeys.filter(
    (key) => labels[key] === undefined && !before.some((tag) => catalogs[tag]?.[key] !== undefined),
  );
}
