export type TextDirection = 'ltr' | 'rtl';

/**
 * Languages written right to left, for a runtime without
 * `Intl.Locale.prototype.getTextInfo` / `textInfo` (both come from CLDR and
 * are used first): Arabic, Persian, Urdu, Pashto, Sindhi, Uyghur, Dhivehi,
 * Central Kurdish, Hebrew, Yiddish, Syriac, N'Ko, and a few more in Arabic
 * script.
 */
const rightToLeftLanguages = new Set([
  'ar',
  'fa',
  'ur',
  'ps',
  'sd',
  'ug',
  'dv',
  'ckb',
  'he',
  'iw',
  'yi',
  'ji',
  'syr',
  'nqo',
  'ks',
  'pnb',
  'mzn',
  'lrc',
  'glk',
  'azb',
  'bal',
  'sdh',
  'prs',
  'arc',
  'rhg',
]);
const rightToLeftScripts = new Set([
  'Arab',
  'Hebr',
  'Thaa',
  'Syrc',
  'Nkoo',
  'Adlm',
  'Rohg',
  'Mand',
  'Samr',
]);

interface TextInfo {
  direction?: string;
}
// Not yet in TypeScript's lib: Node 20 has the `textInfo` getter, later versions the method.
type LocaleWithTextInfo = Intl.Locale & { getTextInfo?: () => TextInfo; textInfo?: TextInfo };

/**
 * `rtl` for a tag whose script is written right to left (`ar`, `he-IL`,
 * `ku-Arab`), else `ltr`. The runtime's text info answers first; ICU knows
 * no direction for some languages (Dhivehi comes back `ltr`), so a `ltr`
 * answer is checked against the likely script and the list above.
 */
export function textDirection(tag: string): TextDirection {
  const locale = new Intl.Locale(tag) as LocaleWithTextInfo;
  const info = typeof locale.getTextInfo === 'function' ? locale.getTextInfo() : locale.textInfo;
  if (info?.direction === 'rtl') return 'rtl';
  return fallbackDirection(locale);
}

/** The direction from the script (as written, else the likely one) or the lists above. */
export function fallbackDirection(locale: Intl.Locale): TextDirection {
  const script = locale.script ?? locale.maximize().script;
  if (script && rightToLeftScripts.has(script)) return 'rtl';
  if (locale.script) return 'ltr';
  return rightToLeftLanguages.has(locale.language) ? 'rtl' : 'ltr';
}
