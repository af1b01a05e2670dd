/**
 * The tags to look a word up under, most specific first, ending in English:
 * `fr-CH` → `fr-CH`, `fr`, `en`; `sr-Latn-RS` → `sr-Latn-RS`, `sr-Latn`,
 * `sr`, `en`. Extensions (`-u-nu-arab`) are dropped first. Pure.
 */
export function catalogChain(locale: string): string[] {
  const { baseName } = new Intl.Locale(locale);
  const parts = baseName.split('-');
  const chain: string[] = [];
  for (let length = parts.length; length > 0; length--)
    chain.push(parts.slice(0, length).join('-'));
  if (!chain.includes('en')) chain.push('en');
  return chain;
}
