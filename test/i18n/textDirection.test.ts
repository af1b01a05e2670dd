import { describe, expect, it } from 'vitest';
import { fallbackDirection, textDirection } from '../../src/i18n/textDirection.js';

const rightToLeft = ['ar', 'ar-EG', 'fa', 'he', 'he-IL', 'ur', 'ps', 'sd', 'ug', 'yi', 'dv', 'ckb'];
const leftToRight = ['en', 'en-US', 'fr-CH', 'de', 'es', 'ru', 'uk', 'zh-Hant', 'ja'];

describe('textDirection', () => {
  it('is rtl for languages written right to left, ltr for the others', () => {
    for (const tag of rightToLeft) expect(textDirection(tag), tag).toBe('rtl');
    for (const tag of leftToRight) expect(textDirection(tag), tag).toBe('ltr');
  });

  it('gives the same answers from its own list where the runtime has no text info', () => {
    for (const tag of rightToLeft) expect(fallbackDirection(new Intl.Locale(tag)), tag).toBe('rtl');
    for (const tag of leftToRight) expect(fallbackDirection(new Intl.Locale(tag)), tag).toBe('ltr');
    // A script subtag decides: Kurdish in Arabic script, Uyghur in Latin script.
    expect(fallbackDirection(new Intl.Locale('ku-Arab'))).toBe('rtl');
    expect(fallbackDirection(new Intl.Locale('ug-Latn'))).toBe('ltr');
  });
});
