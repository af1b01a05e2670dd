import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loadConfig.js';
import { fixture, storyMd } from '../helpers/fixture.js';
import { problemsOf } from '../helpers/problems.js';

async function configProblems(json: string): Promise<string[]> {
  return problemsOf(await fixture({ 'story.md': storyMd, 'storyline.config.json': json }));
}

describe('storyline.config.json', () => {
  it('defaults every field when the file is absent', async () => {
    const { config, file } = await loadConfig(await fixture({}));
    expect(file.messages).toEqual([]);
    expect(config).toMatchObject({
      publication: 'Storyline',
      from: 'Storyline <newsletter@example.org>',
      siteUrl: 'https://example.org/',
      locale: 'en-US',
      timeZone: 'UTC',
      send: { rate: 10, concurrency: 5, retries: 3, retryDelay: 2 },
      catchUp: { inFull: 3, leaseSeconds: 120 },
    });
  });

  it('fills defaults around the fields given', async () => {
    const root = await fixture({
      'storyline.config.json': '{ "publication": "The Brief", "send": { "rate": 2 } }',
    });
    const { config } = await loadConfig(root);
    expect(config.publication).toBe('The Brief');
    expect(config.send).toEqual({ rate: 2, concurrency: 5, retries: 3, retryDelay: 2 });
  });

  it('gives an absent nested object the same defaults as an empty one', async () => {
    // One default per field: an absent `labels` or `send` is parsed as `{}`,
    // so it cannot drift from the defaults written on the fields themselves.
    const absent = (await loadConfig(await fixture({}))).config;
    const empty = (
      await loadConfig(
        await fixture({
          'storyline.config.json': '{ "labels": {}, "send": {}, "unsubscribe": {} }',
        }),
      )
    ).config;
    expect(absent).toEqual(empty);
    // No label set: the words come from the locale's catalog (src/i18n/catalogs/).
    expect(absent.labels).toEqual({});
    expect(absent.unsubscribe).toEqual({});
  });

  it('reports JSON syntax errors at their position', async () => {
    expect(await configProblems('{\n  "publication": "X",\n}\n')).toEqual([
      'storyline.config.json:3:1: Unexpected JSON: expected a quoted field name (no trailing comma after the last entry) [json-syntax]',
    ]);
    expect(await configProblems('{\n  "publication": "X"\n  "locale": "en"\n}\n')).toEqual([
      'storyline.config.json:3:3: Unexpected JSON: missing comma, expected `,` between entries [json-syntax]',
    ]);
  });

  it('reports an unknown field with a did-you-mean', async () => {
    expect(await configProblems('{\n  "timezone": "UTC"\n}\n')).toEqual([
      'storyline.config.json:2:3: Unexpected field `timezone` in storyline.config.json, expected one of `$schema`, `publication`, `from`, `replyTo`, `siteUrl`, `unsubscribe`, `locale`, `timeZone`, `postalAddress`, `subjectPrefix`, `template`, `earlierUpdates`, `clients`, `archive`, `feeds`, `catchUp`, `labels`, `send`, `serve`, `bounces`; did you mean `timeZone`? [unknown-field]',
    ]);
  });

  it('reports a mail client caniemail does not know, listing the ones it does', async () => {
    const problems = await configProblems(
      '{\n  "clients": ["outlook.windows", "outlook.com"]\n}\n',
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^storyline\.config\.json:2:34: Unexpected `outlook\.com` for `clients\.1`, expected `apple-mail\.macos` or .* or `outlook\.outlook-com` or .*\[field-value\]$/,
    );
  });

  it('reports bad values with their positions', async () => {
    const json = `{
  "from": "not an address",
  "siteUrl": "example.org",
  "locale": "en_US!",
  "timeZone": "Mars/Olympus",
  "unsubscribe": { "mailto": "nobody" },
  "send": { "rate": -1, "concurrency": 2.5 },
  "publication": 7
}
`;
    expect(await configProblems(json)).toEqual([
      'storyline.config.json:2:11: Unexpected `not an address`, expected one mail address such as `The Brief <news@example.org>` [field-value]',
      'storyline.config.json:3:14: Unexpected `example.org`, expected an absolute address such as `https://example.org/story/` [field-value]',
      'storyline.config.json:4:13: Unexpected locale `en_US!`, expected a BCP 47 tag such as `en-US` or `de-CH` [field-value]',
      'storyline.config.json:5:15: Unexpected time zone `Mars/Olympus`, expected an IANA name such as `Europe/Zurich` or `UTC` [field-value]',
      'storyline.config.json:6:30: Unexpected value, expected a bare address such as `unsubscribe@example.org` [field-value]',
      'storyline.config.json:7:21: Unexpected number `-1` for `send.rate`, expected a number of at least 0 [field-value]',
      'storyline.config.json:7:40: Unexpected number `2.5` for `send.concurrency`, expected a whole number [field-type]',
      'storyline.config.json:8:18: Unexpected number `7` for `publication`, expected text (put it in quotes if it looks like a number or a date) [field-type]',
    ]);
  });
});
