import { describe, expect, it } from 'vitest';
import type { Message } from '../../src/i18n/Catalog.js';
import { en } from '../../src/i18n/catalogs/en.js';
import { messageKeys, shippedCatalogs } from '../../src/i18n/shippedCatalogs.js';

const placeholders = (message: Message): string[] => {
  const forms = typeof message === 'string' ? [message] : Object.values(message);
  return (
    [
      ...new Set(
        forms.flatMap((form) => [...(form ?? '').matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '')),
      ),
    ]
      // A plural form may spell its number out ("تحديثان", two updates) instead of `{count}`.
      .filter((name) => name !== 'count')
      .sort()
  );
};

describe('the shipped catalogs', () => {
  it('ship at least English, Arabic, French, Spanish, German, Russian and Ukrainian', () => {
    expect(Object.keys(shippedCatalogs)).toEqual(
      expect.arrayContaining(['en', 'ar', 'fr', 'es', 'de', 'ru', 'uk']),
    );
  });

  for (const [tag, catalog] of Object.entries(shippedCatalogs)) {
    it(`${tag} has every key English has, and no other`, () => {
      expect(Object.keys(catalog).sort()).toEqual([...messageKeys].sort());
    });

    it(`${tag} fills in the same values as English, and plurals where English has them`, () => {
      for (const key of messageKeys) {
        const message = catalog[key];
        if (message === undefined) continue;
        expect(placeholders(message), `${tag} ${key}`).toEqual(placeholders(en[key]));
        expect(typeof message, `${tag} ${key}`).toBe(typeof en[key]);
        if (typeof message !== 'string') {
          expect(message.other, `${tag} ${key}`).toBeTruthy();
          // Every form the language's plural rules can pick is written out.
          for (const form of new Intl.PluralRules(tag).resolvedOptions().pluralCategories)
            expect(message[form], `${tag} ${key} ${form}`).toBeTruthy();
        }
      }
    });
  }
});
