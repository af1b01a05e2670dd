/**
 * A `<script type="application/ld+json">` element. Every `<` in the JSON is
 * written `\u003c`, so no value can close the script or open a comment.
 */
export function jsonLdScript(data: unknown): string {
  return `<script type="application/ld+json">${JSON.stringify(data).replaceAll('<', '\\u003c')}</script>`;
}
