/**
 * A URL as it must appear in an email: absolute. Relative URLs (`images/a.png`,
 * `/about`) resolve against `siteUrl`, where the archive publishes the story's
 * files; `#anchors` and absolute URLs are left alone. Pure.
 */
export function absoluteUrl(url: string, siteUrl: string): string {
  if (url.startsWith('#') || /^[a-z][a-z0-9+.-]*:/i.test(url)) return url;
  return new URL(url, siteUrl).href;
}
