import path from 'node:path';
import { VFile } from 'vfile';
import { describe, expect, it } from 'vitest';
import {
  maxRowLength,
  readSubscribers,
  type Subscriber,
} from '../../src/deliver/readSubscribers.js';
import { formatProblem } from '../../src/diagnostics/formatProblem.js';
import { fixture } from '../helpers/fixture.js';
import { repoRoot } from '../helpers/runCli.js';

/** Every subscriber of a list and every problem, as `file:line:col: message [rule]`. */
async function read(
  csv: string | Buffer,
): Promise<{ subscribers: Subscriber[]; problems: string[]; fatal: boolean }> {
  const root = await fixture({ 'subscribers.csv': csv });
  const filePath = path.join(root, 'subscribers.csv');
  const file = new VFile({ path: filePath });
  const subscribers: Subscriber[] = [];
  for await (const subscriber of readSubscribers(filePath, file)) subscribers.push(subscriber);
  return {
    subscribers,
    problems: file.messages.map((message) => formatProblem(message, root)),
    fatal: file.messages.some((message) => message.fatal),
  };
}

describe('reading a subscriber list', () => {
  it('yields every good row with its line, name and other columns', async () => {
    const result = await read(
      [
        'email,name,city,signed up',
        'ada@example.org,Ada Lovelace,London,2014-01-22',
        '  grace@example.org , Grace Hopper ,,2014-01-23',
        'alan@example.org,,Wilmslow,',
        '"katherine@example.org","Johnson, Katherine","White Sulphur Springs",2014-02-01',
        '',
      ].join('\n'),
    );
    expect(result).toEqual({
      subscribers: [
        {
          email: 'ada@example.org',
          name: 'Ada Lovelace',
          fields: { city: 'London', 'signed up': '2014-01-22' },
          line: 2,
        },
        {
          email: 'grace@example.org',
          name: 'Grace Hopper',
          fields: { city: '', 'signed up': '2014-01-23' },
          line: 3,
        },
        { email: 'alan@example.org', fields: { city: 'Wilmslow', 'signed up': '' }, line: 4 },
        {
          email: 'katherine@example.org',
          name: 'Johnson, Katherine',
          fields: { city: 'White Sulphur Springs', 'signed up': '2014-02-01' },
          line: 5,
        },
      ],
      problems: [],
      fatal: false,
    });
    // An absent name is absent, not an empty string, so `{{name}}` falls back.
    expect(Object.hasOwn(result.subscribers[2] ?? {}, 'name')).toBe(false);
  });

  it('accepts a byte order mark, CRLF line endings, header names in any case and blank lines', async () => {
    const result = await read(
      '\ufeffEMAIL,Name\r\nada@example.org,Ada\r\n\r\n   \r\ngrace@example.org,Grace\r\n',
    );
    expect(result).toEqual({
      subscribers: [
        { email: 'ada@example.org', name: 'Ada', fields: {}, line: 2 },
        { email: 'grace@example.org', name: 'Grace', fields: {}, line: 5 },
      ],
      problems: [],
      fatal: false,
    });
  });

  it('needs only an email column, anywhere in the header', async () => {
    const result = await read('city,Email\nGeneva,ada@example.org\n');
    expect(result.subscribers).toEqual([
      { email: 'ada@example.org', fields: { city: 'Geneva' }, line: 2 },
    ]);
    expect(result.problems).toEqual([]);
  });

  it('reports bad rows with their line numbers, skips them and goes on', async () => {
    const result = await read(
      [
        'email,name', // 1
        'ada@example.org,Ada', // 2
        'grace.example.org,Grace', // 3: no @
        'Ada@Example.ORG,Ada again', // 4: duplicate of line 2
        'alan@example.org,Alan,Turing', // 5: too many values
        'claude@example.org,"Shannon, Claude', // 6: unclosed quote
        'barbara@example.org,Barbara', // 7
        'edsger@example.org', // 8: too few values
        'katherine@example.org,"Katherine" J', // 9: text after a closing quote
        'margaret@example.org,Margaret', // 10
        ',', // 11: empty row, skipped silently
        'john@localhost,John', // 12: domain without a dot
        'Ada Lovelace <ada2@example.org>,Ada', // 13: a pasted name
        'ADA@EXAMPLE.ORG,Ada the third', // 14: another duplicate of line 2
        '',
      ].join('\n'),
    );
    expect(result.subscribers).toEqual([
      { email: 'ada@example.org', name: 'Ada', fields: {}, line: 2 },
      { email: 'barbara@example.org', name: 'Barbara', fields: {}, line: 7 },
      { email: 'margaret@example.org', name: 'Margaret', fields: {}, line: 10 },
    ]);
    expect(result.problems).toEqual([
      'subscribers.csv:3:1: warning: Unexpected address without `@`, expected an address such as `name@example.org`; correct it or delete the row (this row is skipped) [subscriber-address]',
      'subscribers.csv:4:1: warning: Unexpected second row for the address on line 2, expected each address once (capitals do not make a different address); delete one of the two rows (this one is skipped) [subscriber-duplicate]',
      'subscribers.csv:5:1: warning: Unexpected 3 values, expected 2 as in the header row; put quotes around a value that holds a comma (`"Lovelace, Ada"`) or delete the extra values (this row is skipped) [subscriber-row]',
      'subscribers.csv:6:1: warning: Unexpected quote that is not closed on its line, expected a `"` at the end of the quoted value; close the quote, and double any quote inside a value (`""`) (this line is skipped, reading goes on with the next) [subscriber-row]',
      'subscribers.csv:8:1: warning: Unexpected 1 value, expected 2 as in the header row; add the missing values (empty ones are fine, as in `ada@example.org,,`) (this row is skipped) [subscriber-row]',
      'subscribers.csv:9:1: warning: Unexpected text after a closing quote, expected a comma or the end of the row; put the quotes around the whole value and double any quote inside it (`"Ada ""the Countess"" Lovelace"`) (this line is skipped, reading goes on with the next) [subscriber-row]',
      'subscribers.csv:12:1: warning: Unexpected domain without a dot in an address, expected an address such as `name@example.org`; correct it or delete the row (this row is skipped) [subscriber-address]',
      'subscribers.csv:13:1: warning: Unexpected space in an address, expected an address such as `name@example.org`; correct it or delete the row (this row is skipped) [subscriber-address]',
      'subscribers.csv:14:1: warning: Unexpected second row for the address on line 2, expected each address once (capitals do not make a different address); delete one of the two rows (this one is skipped) [subscriber-duplicate]',
    ]);
    expect(result.fatal).toBe(false);
  });

  it('never quotes an address in a message, since CI logs may be public', async () => {
    const result = await read(
      'email,name\nada@example.org,Ada\nADA@example.org,Ada\nada@@example.org,A\nno-domain@,B\n',
    );
    expect(result.problems).toHaveLength(3);
    for (const problem of result.problems) expect(problem).not.toMatch(/ada|no-domain/i);
  });

  it('loses only the first line of a quote that is never closed, even at the end of the file', async () => {
    const result = await read(
      'email,name\nada@example.org,"Ada\ngrace@example.org,Grace\nalan@example.org,Alan',
    );
    expect(result.subscribers).toEqual([
      { email: 'grace@example.org', name: 'Grace', fields: {}, line: 3 },
      { email: 'alan@example.org', name: 'Alan', fields: {}, line: 4 },
    ]);
    expect(result.problems).toEqual([
      'subscribers.csv:2:1: warning: Unexpected quote that is not closed on its line, expected a `"` at the end of the quoted value; close the quote, and double any quote inside a value (`""`) (this line is skipped, reading goes on with the next) [subscriber-row]',
    ]);
  });

  it('reports a quote closed on a later line at the line where it opened', async () => {
    // The quote opened on line 2 is "closed" by the one opening line 3's
    // name, which csv-parse only notices on line 3.
    const result = await read(
      'email,name\nada@example.org,"Ada\ngrace@example.org,"Grace"\nalan@example.org,Alan\n',
    );
    expect(result.subscribers.map((s) => [s.email, s.line])).toEqual([
      ['grace@example.org', 3],
      ['alan@example.org', 4],
    ]);
    expect(result.problems).toEqual([
      'subscribers.csv:2:1: warning: Unexpected quote that is not closed on its line, expected a `"` at the end of the quoted value; close the quote, and double any quote inside a value (`""`) (this line is skipped, reading goes on with the next) [subscriber-row]',
    ]);
  });

  it('stops a runaway quote after 64 KB and reads every row after its line', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => `reader${i}@example.org,Reader ${i}`);
    const csv = `email,name\nada@example.org,"Ada\n${rows.join('\n')}\n`;
    expect(csv.length).toBeGreaterThan(maxRowLength);
    const result = await read(csv);
    expect(result.subscribers).toHaveLength(3000);
    expect(result.subscribers[0]).toEqual({
      email: 'reader0@example.org',
      name: 'Reader 0',
      fields: {},
      line: 3,
    });
    expect(result.subscribers.at(-1)?.line).toBe(3002);
    expect(result.problems).toEqual([
      'subscribers.csv:2:1: warning: Unexpected quote that is not closed on its line, expected a `"` at the end of the quoted value; close the quote, and double any quote inside a value (`""`) (this line is skipped, reading goes on with the next) [subscriber-row]',
    ]);
  });

  it('recovers from several malformed rows in a row', async () => {
    const result = await read(
      'email,name\na@example.org,"A\nb@example.org,"B\n\nc@example.org,"C" x\nd@example.org,D\n',
    );
    expect(result.subscribers.map((s) => [s.email, s.line])).toEqual([['d@example.org', 6]]);
    expect(result.problems.map((p) => p.slice(0, p.indexOf(',')))).toEqual([
      'subscribers.csv:2:1: warning: Unexpected quote that is not closed on its line',
      'subscribers.csv:3:1: warning: Unexpected quote that is not closed on its line',
      'subscribers.csv:5:1: warning: Unexpected text after a closing quote',
    ]);
  });

  it('keeps a value with a line break in quotes, and points at it in case a quote is missing', async () => {
    const result = await read(
      'email,name,note\nada@example.org,Ada,"first line\nsecond line"\ngrace@example.org,Grace,\n',
    );
    expect(result.subscribers).toEqual([
      {
        email: 'ada@example.org',
        name: 'Ada',
        fields: { note: 'first line\nsecond line' },
        line: 2,
      },
      { email: 'grace@example.org', name: 'Grace', fields: { note: '' }, line: 4 },
    ]);
    expect(result.problems).toEqual([
      'subscribers.csv:2:1: warning: Unexpected line break inside a quoted value (lines 2–3), expected one subscriber per line; if a closing quote is missing on line 2, the lines after it were read as part of the value, so close it there [subscriber-row]',
    ]);
  });

  it('keeps quotes inside a value and ignores padding past the header', async () => {
    const result = await read('email,name\nada@example.org,Ada "the Countess" Lovelace,,\n');
    expect(result).toEqual({
      subscribers: [
        { email: 'ada@example.org', name: 'Ada "the Countess" Lovelace', fields: {}, line: 2 },
      ],
      problems: [],
      fatal: false,
    });
  });

  it('ignores nameless columns and warns about a repeated column', async () => {
    const result = await read('email,name,,City,city\nada@example.org,Ada,x,London,Paris\n');
    expect(result.subscribers).toEqual([
      { email: 'ada@example.org', name: 'Ada', fields: { City: 'London' }, line: 2 },
    ]);
    expect(result.problems).toEqual([
      'subscribers.csv:1:1: warning: Unexpected second `city` column, expected each column name once; rename or delete one of them (the values of this one are ignored) [subscriber-header]',
    ]);
  });

  it('lets a reader stop early, closing the file', async () => {
    const root = await fixture({
      'subscribers.csv': `email\n${Array.from({ length: 50_000 }, (_, i) => `r${i}@example.org`).join('\n')}\n`,
    });
    const filePath = path.join(root, 'subscribers.csv');
    const seen: string[] = [];
    for await (const subscriber of readSubscribers(filePath, new VFile({ path: filePath }))) {
      seen.push(subscriber.email);
      if (seen.length === 2) break;
    }
    expect(seen).toEqual(['r0@example.org', 'r1@example.org']);
  });

  it('keeps a column called __proto__ as a plain field', async () => {
    const result = await read('email,__proto__\nada@example.org,x\n');
    expect(result.subscribers[0]?.fields).toEqual(Object.fromEntries([['__proto__', 'x']]));
    expect(Object.getPrototypeOf(result.subscribers[0]?.fields)).toBe(Object.prototype);
  });
});

describe('the header row', () => {
  it('is an error without an email column, and nobody is read', async () => {
    expect(await read('mail,name\nada@example.org,Ada\n')).toEqual({
      subscribers: [],
      problems: [
        'subscribers.csv:1:1: Unexpected header row with 2 columns, none named `email`, expected a header row with an `email` column; make the first line a header such as `email,name` that names the column of addresses `email` [subscriber-header]',
      ],
      fatal: true,
    });
  });

  it('does not quote the first line of a file that is not a subscriber list', async () => {
    const shadow =
      'root:$6$Zx1yQ2abc$h4shOfTheRootPassw0rd:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n';
    const result = await read(shadow);
    expect(result.fatal).toBe(true);
    expect(result.subscribers).toEqual([]);
    expect(result.problems).toEqual([
      'subscribers.csv:1:1: Unexpected header row with 1 column, none named `email`, expected a header row with an `email` column; make the first line a header such as `email,name` that names the column of addresses `email` [subscriber-header]',
    ]);
    for (const part of ['root', 'h4sh', '19000', 'daemon'])
      expect(result.problems.join('\n')).not.toContain(part);
  });

  it('is an error when missing, without repeating the address it found', async () => {
    expect(await read('ada@example.org,Ada\ngrace@example.org,Grace\n')).toEqual({
      subscribers: [],
      problems: [
        'subscribers.csv:1:1: Unexpected address in the first row, expected a header row with an `email` column; make the first line a header such as `email,name` that names the column of addresses `email` [subscriber-header]',
      ],
      fatal: true,
    });
  });

  it('is an error in an empty file', async () => {
    for (const csv of ['', '\ufeff', '\n\n']) {
      expect(await read(csv)).toEqual({
        subscribers: [],
        problems: [
          'subscribers.csv:1:1: Unexpected empty file, expected a header row such as `email,name` and then one subscriber per line [subscriber-header]',
        ],
        fatal: true,
      });
    }
  });

  it('is an error when malformed', async () => {
    expect(await read('email,"name\nada@example.org,Ada\n')).toEqual({
      subscribers: [],
      problems: [
        'subscribers.csv:1:1: Unexpected quote that is not closed on its line in the header row, expected a `"` at the end of the quoted value; close the quote, and double any quote inside a value (`""`), and make sure the header names an `email` column [subscriber-header]',
      ],
      fatal: true,
    });
  });
});

describe('the committed example list', () => {
  it('reads cleanly, and only holds addresses at example.org', async () => {
    const filePath = path.join(repoRoot, 'subscribers.example.csv');
    const file = new VFile({ path: filePath });
    const subscribers: Subscriber[] = [];
    for await (const subscriber of readSubscribers(filePath, file)) subscribers.push(subscriber);
    expect(file.messages).toEqual([]);
    expect(subscribers).toHaveLength(8);
    expect(subscribers[0]).toEqual({
      email: 'ada@example.org',
      name: 'Ada Lovelace',
      fields: {},
      line: 2,
    });
    for (const { email } of subscribers) expect(email).toMatch(/@example\.org$/);
  });

  it('escapes control characters in the header names it quotes', async () => {
    const result = await read(
      'email,na\u001b[31mme,na\u001b[31mme\nada@example.org,Ada,Lovelace\n',
    );
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatch(
      /^subscribers\.csv:1:\d+: warning: Unexpected second `naU\+001B\[31mme` column, expected each column name once;/,
    );
    expect(result.problems.join('')).not.toContain('\u001b');
  });

  it('puts an international domain in punycode and skips a non-ASCII local part at its line', async () => {
    const result = await read('email\nreader@bücher.example\njosé@example.org\nada@example.org\n');
    expect(result.subscribers.map((s) => s.email)).toEqual([
      'reader@xn--bcher-kva.example',
      'ada@example.org',
    ]);
    expect(result.problems).toEqual([
      'subscribers.csv:3:1: warning: Unexpected non-ASCII character before the `@` (only relays with SMTPUTF8 take such addresses, and storyline does not use it), expected an address such as `name@example.org`; correct it or delete the row (this row is skipped) [subscriber-address]',
    ]);
  });
});
