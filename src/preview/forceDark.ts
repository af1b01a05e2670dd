/**
 * The email as a client in dark mode shows it: its dark-mode rules always
 * apply. The server runs it for `?scheme=dark`, and the preview page runs
 * this very function (its source is written into the page's script), so
 * the two cannot disagree. It must therefore stay self-contained: no
 * imports, no names from outside its body.
 */
export function forceDark(html: string): string {
  return html.replace(/@media\s*\(prefers-color-scheme:\s*dark\)/g, '@media all');
}
