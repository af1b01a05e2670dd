import { createHash } from 'node:crypto';
import slugify from '@sindresorhus/slugify';

const maxSlugLength = 60;

/**
 * A file-name slug for a headline: lowercase ASCII and hyphens, transliterated
 * from other scripts (Cyrillic, Arabic, Greek …). A headline with nothing
 * transliterable (Chinese, say) gets `update-` and a short hash of itself, so
 * two such headlines still get different names.
 */
export function slugForHeadline(headline: string): string {
  let slug = slugify(headline);
  if (slug.length > maxSlugLength) {
    const cut = slug.lastIndexOf('-', maxSlugLength);
    slug = slug.slice(0, cut > 20 ? cut : maxSlugLength).replace(/-+$/, '');
  }
  if (slug) return slug;
  const hash = createHash('sha256').update(headline.normalize('NFC')).digest('hex').slice(0, 8);
  return `update-${hash}`;
}
