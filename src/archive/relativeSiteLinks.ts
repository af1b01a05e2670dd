import type { Element, Nodes } from 'hast';
import { visit } from 'unist-util-visit';

/** Attributes that load or link a resource; `<link rel="canonical">` is left out below. */
const urlAttributes: Record<string, readonly string[]> = {
  a: ['href'],
  area: ['href'],
  link: ['href'],
  img: ['src'],
  source: ['src'],
  video: ['src', 'poster'],
  audio: ['src'],
};

/**
 * Links of an archive page to the archive's own files (images, the living
 * page, edition pages, feeds, in-page fragments) made relative to the page
 * at `pageUrl`, so the archive works opened from disk (`file://`), from any
 * sub-path and served. A page is linked as its `index.html`, since a
 * browser shows a folder's listing, not its index, from disk. Links off the
 * site, `<link rel="canonical">` and the `keep` URLs (endpoints of the
 * reader's side, such as the unsubscribe page, which are no files of the
 * archive) stay absolute; so does text, such as JSON-LD, which must be
 * absolute. Changes `tree` in place and returns it.
 */
export function relativeSiteLinks<T extends Nodes>(
  tree: T,
  pageUrl: string,
  siteUrl: string,
  keep: readonly string[] = [],
): T {
  const site = new URL(siteUrl);
  const page = new URL(pageUrl);
  const kept = new Set(keep.map((url) => new URL(url, siteUrl).href));
  visit(tree, 'element', (node: Element) => {
    const rel = node.properties.rel;
    if (node.tagName === 'link' && Array.isArray(rel) && rel.includes('canonical')) return;
    for (const attribute of urlAttributes[node.tagName] ?? []) {
      const value = node.properties[attribute];
      if (typeof value !== 'string') continue;
      const relative = relativeUrl(value, page, site, kept);
      if (relative !== undefined) node.properties[attribute] = relative;
    }
  });
  return tree;
}

/** `url` relative to `page`, or `undefined` to leave it as it is. */
function relativeUrl(url: string, page: URL, site: URL, kept: Set<string>): string | undefined {
  let target: URL;
  try {
    target = new URL(url, page);
  } catch {
    return undefined;
  }
  if (target.origin !== site.origin || !target.pathname.startsWith(site.pathname)) return undefined;
  if (kept.has(target.href) || kept.has(`${target.origin}${target.pathname}`)) return undefined;
  const file = (pathname: string) => (pathname.endsWith('/') ? `${pathname}index.html` : pathname);
  const from = file(page.pathname);
  const to = file(target.pathname);
  if (to === from && target.search === '' && target.hash !== '') return target.hash;
  const fromParts = from.split('/').slice(0, -1);
  const toParts = to.split('/');
  let common = 0;
  while (
    common < fromParts.length &&
    common < toParts.length - 1 &&
    fromParts[common] === toParts[common]
  )
    common += 1;
  const up = fromParts.slice(common).map(() => '..');
  const path = [...up, ...toParts.slice(common)].join('/');
  // A first segment with a colon would read as a scheme.
  return (path.split('/')[0]?.includes(':') ? `./${path}` : path) + target.search + target.hash;
}
