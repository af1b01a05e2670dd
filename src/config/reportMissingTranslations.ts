import type { Position } from 'unist';
import type { VFile } from 'vfile';
import { reportProblem } from '../diagnostics/reportProblem.js';
import { missingMessages } from '../i18n/missingMessages.js';
import type { Labels } from '../i18n/Words.js';

/**
 * A warning at `locale` when some words storyline writes would reach the
 * reader in English: the locale has no catalog, or its catalog lacks keys,
 * and `labels` does not fill them in. One message naming every key.
 */
export function reportMissingTranslations(
  file: VFile,
  config: { locale: string; labels: Labels },
  place: Position | undefined,
): void {
  const missing = missingMessages(config.locale, config.labels);
  if (missing.length === 0) return;
  const keys = missing.map((key) => `\`${key}\``).join(', ');
  reportProblem(
    file,
    `Unexpected English words in a \`${config.locale}\` edition (no translation of ${keys} for locale \`${config.locale}\`), expected every word in the reader's language; set them under \`labels\` in storyline.config.json, or add a catalog to storyline's src/i18n/catalogs/`,
    place,
    'missing-translation',
    'warning',
  );
}
