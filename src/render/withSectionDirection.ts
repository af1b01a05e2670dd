import type { TextDirection } from '../i18n/textDirection.js';

/**
 * The template with every `mj-section` and `mj-column` laid out right to
 * left, for a right-to-left locale. mjml writes `direction:ltr` on each unless
 * told otherwise, which overrides `<html dir>` for everything inside, header
 * and footer included; a default in `<mj-attributes>` turns it for the
 * sections of the template and the edition alike, while a section that sets
 * `direction` itself keeps it. Text is aligned right the same way (the
 * masthead too), unless an `mj-class` or the element says otherwise (the
 * footer stays centred). Inserted on the line of `<mj-head>` so mjml's
 * error lines still match the file. A left-to-right template is returned as
 * it is. Pure.
 */
export function withSectionDirection(template: string, dir: TextDirection): string {
  if (dir === 'ltr') return template;
  const defaults =
    '<mj-attributes><mj-section direction="rtl" /><mj-column direction="rtl" /><mj-text align="right" /></mj-attributes>';
  const head = /<mj-head(\s[^>]*)?>/.exec(template);
  if (head) {
    const at = head.index + head[0].length;
    return template.slice(0, at) + defaults + template.slice(at);
  }
  const root = /<mjml(\s[^>]*)?>/.exec(template);
  if (!root) return template;
  const at = root.index + root[0].length;
  return `${template.slice(0, at)}<mj-head>${defaults}</mj-head>${template.slice(at)}`;
}
