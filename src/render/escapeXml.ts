const entities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  // Braces are escaped so text can never form a `{{slot}}` the template fills in.
  '{': '&#123;',
};

/** Escape text for XML and HTML, in element content and in quoted attributes. Pure. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"'{]/g, (c) => entities[c] ?? c);
}
