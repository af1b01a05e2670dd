import { describe, expect, it } from 'vitest';
import { catalogChain } from '../../src/i18n/catalogChain.js';
import { en } from '../../src/i18n/catalogs/en.js';
import { missingMessages } from '../../src/i18n/missingMessages.js';
import { shippedCatalogs } from '../../src/i18n/shippedCatalogs.js';
import { wordsFor } from '../../src/i18n/wordsFor.js';

describe('wordsFor', () => {
  it('falls back from a region to its language, then to English', () => {
    expect(catalogChain('fr-CH')).toEqual(['fr-CH', 'fr', 'en']);
    expect(catalogChain('sr-Latn-RS-u-nu-latn')).toEqual(['sr-Latn-RS', 'sr-Latn', 'sr', 'en']);
    expect(wordsFor('fr-CH').get('earlierUpdates')).toBe('Mises à jour précédentes');
    expect(wordsFor('de-AT').get('update')).toBe('Aktualisierung');
    expect(wordsFor('ja').get('earlierUpdates')).toBe('Earlier updates');
  });

  it('lets config labels override any word of the catalog', () => {
    const words = wordsFor('fr', { correction: 'Erratum', unsubscribe: 'Désinscription' });
    expect(words.get('correction')).toBe('Erratum');
    expect(words.get('unsubscribe')).toBe('Désinscription');
    expect(words.get('update')).toBe('Mise à jour');
  });

  it('picks plural forms with Intl.PluralRules', () => {
    const english = wordsFor('en-US');
    expect(english.get('moreUpdates', { count: 1 })).toBe('1 more update in the archive');
    expect(english.get('moreUpdates', { count: 3 })).toBe('3 more updates in the archive');
    expect(english.get('updateCount', { count: 1200 })).toBe('1,200 updates');

    const russian = wordsFor('ru');
    expect([1, 3, 5, 21, 22, 25].map((count) => russian.get('updateCount', { count }))).toEqual([
      '1 обновление',
      '3 обновления',
      '5 обновлений',
      '21 обновление',
      '22 обновления',
      '25 обновлений',
    ]);

    const arabic = wordsFor('ar');
    expect([0, 1, 2, 3, 11, 100].map((count) => arabic.get('updateCount', { count }))).toEqual([
      'لا تحديثات',
      'تحديث واحد',
      'تحديثان',
      `${new Intl.NumberFormat('ar').format(3)} تحديثات`,
      `${new Intl.NumberFormat('ar').format(11)} تحديثًا`,
      `${new Intl.NumberFormat('ar').format(100)} تحديث`,
    ]);
  });

  it('puts the count before a plural label that does not place it', () => {
    expect(
      wordsFor('en', { moreUpdates: 'older items online' }).get('moreUpdates', { count: 4 }),
    ).toBe('4 older items online');
    expect(
      wordsFor('en', { moreUpdates: 'and {count} more online' }).get('moreUpdates', { count: 4 }),
    ).toBe('and 4 more online');
  });

  it('fills in named values', () => {
    expect(wordsFor('de').get('footerNote', { publication: 'Der Brief' })).toBe(
      'Sie erhalten Der Brief, weil Sie Aktualisierungen zu dieser Geschichte abonniert haben.',
    );
  });
});

describe('missingMessages', () => {
  it('is empty for English and for every shipped catalog', () => {
    for (const tag of ['en', 'en-GB', ...Object.keys(shippedCatalogs), 'fr-CH', 'uk-UA'])
      expect(missingMessages(tag), tag).toEqual([]);
  });

  it('names a key a catalog lacks, unless a label fills it in', () => {
    const { notes: _notes, ...withoutNotes } = shippedCatalogs.fr ?? {};
    const catalogs = { ...shippedCatalogs, fr: withoutNotes };
    expect(missingMessages('fr-BE', {}, catalogs)).toEqual(['notes']);
    expect(missingMessages('fr-BE', { notes: 'Remarques' }, catalogs)).toEqual([]);
    // The word itself falls back to English.
    expect(wordsFor('fr-BE', {}, catalogs).get('notes')).toBe(en.notes);
  });

  it('names every key for a language with no catalog', () => {
    expect(missingMessages('ja')).toEqual(Object.keys(en));
  });
});
