import postcss, { type ChildNode } from 'postcss';

/** A caniemail feature found in a document: its title and where (an offset into the text). */
export interface FoundFeature {
  title: string;
  offset: number;
  /** Inside an `@media` block, which a client without media queries skips whole. */
  inMedia?: boolean;
}

type Caniemail = typeof import('caniemail');

/**
 * caniemail's detection, run on one small piece at a time (a selector, a
 * declaration, an element) so every feature found has an exact place, and
 * with its property-name matching made exact: it matches a property by
 * substring, so `line-height` also counts as `height` and `text-transform`
 * as `transform`.
 */
export class EmailFeatures {
  readonly #caniemail: Caniemail;
  readonly #cache = new Map<string, string[]>();
  readonly #baseline: Set<string>;
  readonly #htmlTitles: Set<string>;
  readonly #atRules: Set<string>;

  constructor(caniemail: Caniemail) {
    this.#caniemail = caniemail;
    this.#baseline = new Set(this.#titles({ css: 'x{}' }));
    const data = caniemail.rawData.data;
    this.#htmlTitles = new Set(data.filter((f) => f.category === 'html').map((f) => f.title));
    this.#atRules = new Set(data.filter((f) => f.title.startsWith('@')).map((f) => f.title));
  }

  /** Every title caniemail finds in a piece, for any client. */
  #titles(piece: { css?: string; html?: string }): string[] {
    const key = piece.css !== undefined ? `c${piece.css}` : `h${piece.html}`;
    let titles = this.#cache.get(key);
    if (!titles) {
      const found = new Set<string>();
      try {
        const { issues } = this.#caniemail.caniemail({ clients: ['*'], ...piece });
        for (const map of [issues.errors, issues.warnings]) {
          for (const list of map.values()) for (const issue of list) found.add(issue.title);
        }
      } catch {
        // A piece its CSS parser rejects holds nothing a client could use.
      }
      titles = [...found];
      this.#cache.set(key, titles);
    }
    return titles;
  }

  /** Features of one CSS declaration. */
  declaration(property: string, value: string): string[] {
    const name = property.trim().toLowerCase();
    return this.#titles({ css: `x{${name}:${value}}` }).filter((title) => {
      if (this.#baseline.has(title)) return false;
      const named = title.replace(/ (shorthand|property)$/, '');
      // A property title names one property: keep it only for that property.
      return !/^[a-z-]+$/.test(named) || named === name;
    });
  }

  /** Features of a selector (`.a > b`, `p[style*=x]`, `:hover`). */
  selector(selector: string): string[] {
    return this.#titles({ css: `${selector}{}` });
  }

  /** Features of a style sheet, each at its rule, declaration or at-rule. */
  stylesheet(css: string, options: { selectors: boolean }): FoundFeature[] {
    let root: postcss.Root;
    try {
      root = postcss.parse(css);
    } catch {
      return [];
    }
    const found: FoundFeature[] = [];
    const walk = (nodes: ChildNode[], inMedia: boolean) => {
      for (const node of nodes) {
        const offset = node.source?.start?.offset ?? 0;
        if (node.type === 'atrule') {
          const title = `@${node.name.toLowerCase()}`;
          if (options.selectors && this.#atRules.has(title)) found.push({ title, offset, inMedia });
          walk(node.nodes ?? [], inMedia || title === '@media');
        } else if (node.type === 'rule') {
          if (options.selectors) {
            for (const title of node.selectors.flatMap((s) => this.selector(s))) {
              found.push({ title, offset, inMedia });
            }
          }
          walk(node.nodes, inMedia);
        } else if (node.type === 'decl') {
          for (const title of this.declaration(node.prop, node.value)) {
            found.push({ title, offset, inMedia });
          }
        }
      }
    };
    walk(root.nodes, false);
    return found;
  }

  /** Features of `style="…"`, all at `offset`. */
  styleAttribute(style: string, offset: number): FoundFeature[] {
    const found: FoundFeature[] = [];
    for (const part of style.split(';')) {
      const colon = part.indexOf(':');
      if (colon < 0) continue;
      for (const title of this.declaration(part.slice(0, colon), part.slice(colon + 1))) {
        found.push({ title, offset });
      }
    }
    return found;
  }

  /** HTML features (elements, attributes) of one start tag, without its style. */
  element(tag: string, offset: number): FoundFeature[] {
    const withoutStyle = tag.replace(/\sstyle\s*=\s*("[^"]*"|'[^']*')/i, '');
    const name = /^<([a-z0-9-]+)/i.exec(tag)?.[1]?.toLowerCase();
    return this.#titles({ html: withoutStyle })
      .filter((title) => {
        if (!this.#htmlTitles.has(title)) return false;
        // Element names are matched by substring too: `<tbody>` is not `<body>`.
        const element = /^<([a-z0-9-]+)> element$/.exec(title)?.[1];
        return element === undefined || element === name;
      })
      .map((title) => ({ title, offset }));
  }
}
