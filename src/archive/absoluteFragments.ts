import { escapeXml } from '../render/escapeXml.js';

/**
 * In-page links (`href="#id"`, footnotes and links to an update) made
 * absolute, since feed readers and copies of a page resolve a bare fragment
 * against the wrong document: against `pageUrl` when the HTML holds that id,
 * else against `elsewhereUrl` (the living story page, which holds every
 * published update and its footnotes). Expects HTML as hast-util-to-html and
 * mjml write it, attributes in double quotes. Pure.
 */
export function absoluteFragments(html: string, pageUrl: string, elsewhereUrl = pageUrl): string {
  const ids = new Set([...html.matchAll(/\sid="([^"]*)"/g)].map((match) => match[1]));
  return html.replace(
    /(\shref=")#([^"]*)"/g,
    (_whole, lead: string, fragment: string) =>
      `${lead}${escapeXml(ids.has(fragment) ? pageUrl : elsewhereUrl)}#${fragment}"`,
  );
}
