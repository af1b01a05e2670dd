/**
 * One message: a string, or plural forms chosen by `Intl.PluralRules`
 * (`zero`, `one`, `two`, `few`, `many`, `other`; `other` is required).
 * `{name}` is filled in with a value (`{count}`, `{publication}` …).
 */
export type PluralMessage = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };
export type Message = string | PluralMessage;

/** A language's words, by key. English (`catalogs/en.ts`) defines the keys. */
export type Catalog<Key extends string = string> = Readonly<Partial<Record<Key, Message>>>;
