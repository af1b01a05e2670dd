import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { addressHash } from '../../src/ledger/addressHash.js';
import {
  appendSuppression,
  readSuppressions,
  suppressionFor,
  suppressionsPath,
} from '../../src/ledger/suppressions.js';
import { fixture } from '../helpers/fixture.js';

const secret = 'k3y-th4t-is-l0ng-enough';
const at = new Date('2014-02-10T09:30:00Z');

describe('the suppression list', () => {
  it('is empty when there is no file', async () => {
    const root = await fixture({});
    expect(await readSuppressions(root, secret)).toEqual({ hashes: new Set(), warnings: [] });
  });

  it('reads back what was appended, holding no address in plain text', async () => {
    const root = await fixture({});
    await appendSuppression(root, suppressionFor('Ada@Example.org', 'unsubscribed', secret, at));
    await appendSuppression(root, suppressionFor('grace@example.org', 'bounced', secret, at));
    const { hashes, warnings } = await readSuppressions(root, secret);
    expect(warnings).toEqual([]);
    expect(hashes).toEqual(
      new Set([addressHash('ada@example.org', secret), addressHash('grace@example.org', secret)]),
    );
    const text = await readFile(suppressionsPath(root), 'utf8');
    expect(text).not.toMatch(/ada|grace|example/i);
    expect(text.split('\n')).toEqual([
      `{"hash":"${addressHash('ada@example.org', secret)}","reason":"unsubscribed","at":"2014-02-10T09:30:00.000Z","key":"${suppressionFor('x', 'bounced', secret, at).key}"}`,
      expect.stringContaining('"reason":"bounced"'),
      '',
    ]);
  });

  it('writes only the known fields, whatever else the entry carries', async () => {
    const root = await fixture({});
    const entry = {
      ...suppressionFor('ada@example.org', 'unsubscribed', secret, at),
      email: 'ada@example.org',
    };
    await appendSuppression(root, entry);
    expect(await readFile(suppressionsPath(root), 'utf8')).not.toContain('ada@example.org');
  });

  it('skips a damaged line with a warning naming it and keeps the rest', async () => {
    const root = await fixture({});
    await appendSuppression(root, suppressionFor('ada@example.org', 'unsubscribed', secret, at));
    const file = suppressionsPath(root);
    // A crash half-way through a line, then lines edited by hand.
    await writeFile(
      file,
      `${await readFile(file, 'utf8')}{"hash":"abc\n\n[1]\n{"hash":"short","reason":"bounced","at":"2014-02-10"}\n{"hash":"${addressHash('x@example.org', secret)}","reason":"moved","at":"2014-02-10"}\n{"hash":"${addressHash('x@example.org', secret)}","reason":"bounced","at":"yesterday"}\n`,
    );
    await appendSuppression(root, suppressionFor('grace@example.org', 'bounced', secret, at));
    const { hashes, warnings } = await readSuppressions(root, secret);
    expect(hashes).toEqual(
      new Set([addressHash('ada@example.org', secret), addressHash('grace@example.org', secret)]),
    );
    expect(warnings).toEqual([
      'archive/suppressions.jsonl:2: Unexpected text that is not JSON, expected one JSON object per line; this line is skipped',
      'archive/suppressions.jsonl:4: Unexpected JSON that is not an object, expected `{"hash", "reason", "at"}`; this line is skipped',
      'archive/suppressions.jsonl:5: Unexpected `hash`, expected the 22-character address hash; this line is skipped',
      'archive/suppressions.jsonl:6: Unexpected `reason`, expected `unsubscribed`, `bounced` or `complained`; this line is skipped',
      'archive/suppressions.jsonl:7: Unexpected `at`, expected an ISO date-time; this line is skipped',
    ]);
  });

  it('starts a new line after a torn last line, so only the torn one is lost', async () => {
    const root = await fixture({ 'archive/suppressions.jsonl': '{"hash":"torn' });
    await appendSuppression(root, suppressionFor('ada@example.org', 'unsubscribed', secret, at));
    const { hashes, warnings } = await readSuppressions(root, secret);
    expect(hashes).toEqual(new Set([addressHash('ada@example.org', secret)]));
    expect(warnings).toEqual([
      'archive/suppressions.jsonl:1: Unexpected text that is not JSON, expected one JSON object per line; this line is skipped',
    ]);
  });

  it('says when entries were made with another secret, since they can no longer match', async () => {
    const root = await fixture({});
    await appendSuppression(
      root,
      suppressionFor('ada@example.org', 'unsubscribed', 'an-older-secret-key', at),
    );
    await appendSuppression(
      root,
      suppressionFor('grace@example.org', 'unsubscribed', 'an-older-secret-key', at),
    );
    // An entry without a key (written by hand) is trusted.
    const { key: _key, ...withoutKey } = suppressionFor('alan@example.org', 'bounced', secret, at);
    await writeFile(suppressionsPath(root), `${JSON.stringify(withoutKey)}\n`, { flag: 'a' });
    const { hashes, warnings } = await readSuppressions(root, secret);
    expect(hashes).toEqual(new Set([addressHash('alan@example.org', secret)]));
    expect(warnings).toEqual([
      'archive/suppressions.jsonl: Unexpected 2 entries made with another STORYLINE_SECRET, expected the current one; these addresses cannot be recognised, so restore the secret they were made with',
    ]);
  });
});
