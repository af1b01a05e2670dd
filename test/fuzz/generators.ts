/**
 * Seeded generators of hostile or careless content for the fuzz test:
 * markdown, YAML front matter and subscriber CSV, each either random from
 * an alphabet weighted towards syntax or a mutation of the sample story.
 */

export { seededRandom } from '../helpers/seededRandom.js';

export class Fuzzer {
  constructor(readonly random: () => number) {}

  int(max: number): number {
    return Math.floor(this.random() * max);
  }

  chance(p: number): boolean {
    return this.random() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  /** Characters that are markdown, YAML or CSV syntax, or trouble for terminals and mail. */
  private static readonly alphabet = [
    ...'abcdefghijklmnopqrstuvwxyz ABC0123456789',
    ...'#*_>-+=[](){}!`|~:\\/"\',.;@&%$^<>?',
    '\n',
    '\n\n',
    '\t',
    '\r\n',
    '\u0000',
    '\u001b[31m',
    '\u0007',
    '\u007f',
    '\u0085',
    '\u2028',
    '\u202e',
    '\ufeff',
    '\ud83d\ude00',
    'é',
    'ß',
    'ي',
    'ж',
    '中',
    '\u0301',
  ];

  private static readonly markdownPieces = [
    '# ',
    '## Heading\n',
    '> ',
    '- ',
    '* ',
    '1. ',
    '   ',
    '```\ncode\n```\n',
    '~~~js\n',
    '| a | b |\n| - | - |\n| 1 | 2 |\n',
    '[link](https://example.org/x)',
    '[link](images/missing.png)',
    '[rel](../outside.png)',
    '![alt](images/geneva-ii-talks.png)',
    '![](http://example.org/a.png)',
    '[x](javascript:alert(1))',
    '<div>raw</div>',
    '<!-- comment -->',
    '[^1]\n\n[^1]: note\n',
    '[ref]\n\n[ref]: https://example.org/\n',
    '**bold**',
    '_em_',
    '~~gone~~',
    '`code`',
    '***\n',
    'https://example.org/auto',
    '{{unsubscribe_url}}',
    '\\',
    '&amp;',
    '- [ ] task\n',
  ];

  text(length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += this.pick(Fuzzer.alphabet);
    return out;
  }

  /** Random markdown: syntax pieces, stray characters and now and then deep nesting. */
  markdown(): string {
    const parts: string[] = [];
    const count = 1 + this.int(40);
    for (let i = 0; i < count; i++) {
      const roll = this.random();
      if (roll < 0.5) parts.push(this.pick(Fuzzer.markdownPieces));
      else if (roll < 0.9) parts.push(this.text(1 + this.int(30)));
      else if (roll < 0.95) parts.push(`${'> '.repeat(1 + this.int(3000))}deep\n`);
      else parts.push(this.nestedList(1 + this.int(400)));
    }
    return parts.join(this.chance(0.5) ? '' : '\n');
  }

  private nestedList(depth: number): string {
    let out = '';
    for (let i = 0; i < depth; i++) out += `${'  '.repeat(i)}- item ${i}\n`;
    return out;
  }

  /** A mutation of a known-good document: cut, repeat, insert, flip. */
  mutate(source: string): string {
    let out = source;
    const rounds = 1 + this.int(6);
    for (let i = 0; i < rounds; i++) {
      const at = this.int(out.length + 1);
      const end = Math.min(out.length, at + this.int(80));
      switch (this.int(5)) {
        case 0:
          out = out.slice(0, at) + out.slice(end);
          break;
        case 1:
          out = out.slice(0, end) + out.slice(at, end).repeat(1 + this.int(5)) + out.slice(end);
          break;
        case 2:
          out = out.slice(0, at) + this.pick(Fuzzer.markdownPieces) + out.slice(at);
          break;
        case 3:
          out = out.slice(0, at) + this.text(1 + this.int(8)) + out.slice(at);
          break;
        default:
          out = out.slice(0, at) + this.yamlValue() + out.slice(at);
      }
    }
    return out;
  }

  private static readonly keys = [
    'title',
    'published',
    'date',
    'headline',
    'kind',
    'summary',
    'draft',
    'dek',
    'byline',
    'image',
    'headlnie',
    'lang',
    '"quoted key"',
    '? complex',
    '<<',
    '\u001b[2J',
  ];

  yamlValue(): string {
    return this.pick([
      '2014-02-10',
      '2014-02-30',
      '2014-02-10T09:30:00+01:00',
      '2014-02-10T09:30:00',
      '9999-12-31',
      'true',
      'yes',
      '~',
      'null',
      '123',
      '1e400',
      '[a, b]',
      '{src: images/geneva-ii-talks.png, alt: x}',
      '{src: ../../etc/passwd}',
      '&anchor value',
      '*anchor',
      '"unterminated',
      "'single'",
      '|\n  block\n  scalar',
      '>-\n  folded',
      '- list',
      this.text(1 + this.int(40)),
      'x'.repeat(this.int(3000)),
    ]);
  }

  frontMatter(): string {
    const lines: string[] = [];
    const count = this.int(8);
    for (let i = 0; i < count; i++) {
      lines.push(`${this.pick(Fuzzer.keys)}: ${this.yamlValue()}`);
    }
    if (this.chance(0.1)) lines.push('---');
    return lines.join(this.chance(0.9) ? '\n' : '\r\n');
  }

  csv(): string {
    const header = this.pick([
      'email,name',
      'email',
      'name,email,city',
      'Email,Name',
      'mail,name',
      '"email","na""me"',
      `email,${this.text(5)}`,
      '\ufeffemail,name',
    ]);
    const rows = [header];
    const count = this.int(30);
    for (let i = 0; i < count; i++) {
      rows.push(
        this.pick([
          `reader${i}@example.org,Reader ${i}`,
          `READER${i}@Example.org,dup`,
          `reader${this.int(3)}@example.org`,
          'not-an-address,x',
          '"quoted@example.org","Name, with comma"',
          '"unclosed@example.org,oops',
          `"multi\nline@example.org",x`,
          `${this.text(1 + this.int(20))},${this.text(this.int(10))}`,
          'a@b,c,d,e,f,g',
          'üñí@exämple.org,intl',
          '',
        ]),
      );
    }
    return rows.join(this.chance(0.8) ? '\n' : '\r\n');
  }
}
