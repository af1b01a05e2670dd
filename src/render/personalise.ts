import { escapeXml } from './escapeXml.js';
import type { Rendered } from './Rendered.js';

export interface Personal {
  unsubscribeUrl: string;
  /** The subscriber's name, or a neutral fallback. */
  name: string;
}

/** The HTML and text one recipient gets: only the markers change. Pure and cheap (string replaces). */
export function personalise(
  rendered: Rendered,
  personal: Personal,
): { html: string; text: string } {
  const { markers } = rendered;
  return {
    // Replacer functions, not strings: a name such as `Jo $' Ann` must not be read
    // as a `$'` replacement pattern.
    html: rendered.html
      .replaceAll(markers.unsubscribe_url, () => escapeXml(personal.unsubscribeUrl))
      .replaceAll(markers.name, () => escapeXml(personal.name)),
    text: rendered.text
      .replaceAll(markers.unsubscribe_url, () => personal.unsubscribeUrl)
      .replaceAll(markers.name, () => personal.name),
  };
}
