import postcss, { type ChildNode } from 'postcss';
import type { Point } from 'unist';
import type { VFile } from 'vfile';
import { location } from 'vfile-location';
import { parseColour, type Rgb } from './parseColour.js';

export type ColourScheme = 'light' | 'dark';

/** One colour a template sets, where it sets it, and for what. */
export interface TemplateColour {
  role: 'text' | 'background';
  /** As written, for messages. */
  value: string;
  rgb: Rgb;
  scheme: ColourScheme;
  path: string;
  place: Point | undefined;
  /** Text the same rule makes large (WCAG: 24 px, or 18.66 px bold), so 3:1 is enough. */
  large: boolean;
}

const styleBlock = /(<mj-style\b[^>]*>)([\s\S]*?)<\/mj-style>/g;
const tag = /<([a-z][a-z0-9-]*)\b([^>]*)>/gi;
const attribute = /([a-z-]+)\s*=\s*"([^"]*)"/gi;

/**
 * Every text and background colour a template's files set: `mj-*`
 * attributes (`mj-attributes`, `mj-class`, sections), `style="…"` on HTML in
 * `mj-text` or `mj-raw`, and the rules of `mj-style` blocks, where a rule
 * inside `@media (prefers-color-scheme: dark)` belongs to the dark scheme.
 */
export function templateColours(files: readonly VFile[]): TemplateColour[] {
  const colours: TemplateColour[] = [];
  for (const file of files) {
    const text = String(file.value);
    const place = location(file);
    const at = (offset: number) => place.toPoint(offset);
    const add = (
      declarations: Map<string, { value: string; offset: number }>,
      scheme: ColourScheme,
    ) => {
      const size = Number.parseFloat(declarations.get('font-size')?.value ?? '');
      const weight = declarations.get('font-weight')?.value.trim() ?? '';
      const bold = weight === 'bold' || Number(weight) >= 700;
      const large = /px\s*$/.test(declarations.get('font-size')?.value ?? '')
        ? size >= 24 || (bold && size >= 18.66)
        : false;
      for (const [name, { value, offset }] of declarations) {
        const role =
          name === 'color'
            ? 'text'
            : name === 'background-color' ||
                name === 'background' ||
                name === 'container-background-color'
              ? 'background'
              : undefined;
        const rgb = role && parseColour(value);
        if (!role || !rgb) continue;
        colours.push({
          role,
          value: value.replace(/!important/i, '').trim(),
          rgb,
          scheme,
          path: file.path,
          place: at(offset),
          large,
        });
      }
    };

    // mj-style blocks are CSS; everything else is markup, with the blocks blanked out.
    let markup = text;
    for (const match of text.matchAll(styleBlock)) {
      const start = match.index + (match[1]?.length ?? 0);
      const css = match[2] ?? '';
      markup = markup.slice(0, start) + ' '.repeat(css.length) + markup.slice(start + css.length);
      let root: postcss.Root;
      try {
        root = postcss.parse(css);
      } catch {
        continue; // mjml reports CSS it cannot use; nothing to measure here
      }
      const walk = (nodes: ChildNode[], scheme: ColourScheme) => {
        for (const node of nodes) {
          if (node.type === 'atrule') {
            const dark =
              node.name === 'media' && /prefers-color-scheme\s*:\s*dark/i.test(node.params);
            walk(node.nodes ?? [], dark ? 'dark' : scheme);
          } else if (node.type === 'rule') {
            const declarations = new Map<string, { value: string; offset: number }>();
            for (const child of node.nodes) {
              if (child.type !== 'decl') continue;
              declarations.set(child.prop.toLowerCase(), {
                value: child.value,
                offset: start + (child.source?.start?.offset ?? 0),
              });
            }
            add(declarations, scheme);
          }
        }
      };
      walk(root.nodes, 'light');
    }

    for (const element of markup.matchAll(tag)) {
      const attributes = element[2] ?? '';
      const base = element.index + 1 + (element[1]?.length ?? 0);
      const declarations = new Map<string, { value: string; offset: number }>();
      for (const attr of attributes.matchAll(attribute)) {
        const name = (attr[1] ?? '').toLowerCase();
        const offset = base + attr.index;
        if (name === 'style' && !element[1]?.startsWith('mj-')) {
          const valueStart = offset + (attr[0].indexOf('"') + 1);
          for (const decl of (attr[2] ?? '').matchAll(/([a-z-]+)\s*:\s*([^;]+)/gi)) {
            declarations.set((decl[1] ?? '').toLowerCase(), {
              value: decl[2] ?? '',
              offset: valueStart + decl.index,
            });
          }
        } else if (element[1]?.startsWith('mj-')) {
          declarations.set(name, { value: attr[2] ?? '', offset });
        }
      }
      add(declarations, 'light');
    }
  }
  return colours;
}
