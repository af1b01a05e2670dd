/** A `<script type="application/ld+json">` element; `</` is escaped so the JSON cannot close it. */
export function jsonLdScript(data: unknown): string {
  return `<script type="application/ld+json">${JSON.stringify(data).replaceAll('</', '<\\/')}</script>`;
}
