import path from 'node:path';

/**
 * The file of the content root a relative URL in the story names (its path
 * decoded, query and fragment dropped, normalized), or `undefined` for a URL
 * with a scheme, an in-page `#fragment`, a site-absolute `/path` or a path
 * that does not decode. The archive serves the root's files at the same
 * paths under siteUrl, so this is where both the archive and `check` look.
 */
export function localPathOfUrl(url: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('#') || url.startsWith('/')) return;
  try {
    const relative = path.normalize(decodeURIComponent(url.split(/[?#]/)[0] ?? ''));
    return relative === '.' ? undefined : relative;
  } catch {
    return undefined;
  }
}
