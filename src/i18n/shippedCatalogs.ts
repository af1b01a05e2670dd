import type { Catalog } from './Catalog.js';
import { ar } from './catalogs/ar.js';
import { de } from './catalogs/de.js';
import { en, type MessageKey } from './catalogs/en.js';
import { es } from './catalogs/es.js';
import { fr } from './catalogs/fr.js';
import { ru } from './catalogs/ru.js';
import { uk } from './catalogs/uk.js';

/**
 * The catalogs storyline ships, by language tag (a language, or a language
 * and region such as `pt-BR` where one differs). A new language: a file in
 * `catalogs/` named after its tag, added here.
 */
export const shippedCatalogs: Readonly<Record<string, Catalog<MessageKey>>> = {
  en,
  ar,
  de,
  es,
  fr,
  ru,
  uk,
};

/** Every message key, in the English catalog's order. */
export const messageKeys = Object.keys(en) as MessageKey[];
