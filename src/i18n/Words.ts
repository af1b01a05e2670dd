import type { MessageKey } from './catalogs/en.js';

/** Words a config's `labels` set, overriding any catalog. */
export type Labels = Readonly<Partial<Record<MessageKey, string | undefined>>>;

/** Values for a message's `{name}`s; `count` also picks the plural form. */
export type MessageValues = Readonly<Record<string, string | number>> & { count?: number };

/** The words of one locale, resolved: catalogs by fallback, labels on top. */
export interface Words {
  /** The locale the words are for (its plural rules and number format). */
  readonly locale: string;
  /** The message for `key` with its values filled in. */
  get(key: MessageKey, values?: MessageValues): string;
}
