import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { addressHash, shardOf } from '../../src/ledger/addressHash.js';
import { addressProblem } from '../../src/util/addressProblem.js';

const secret = 'k3y-th4t-is-l0ng-enough';

describe('address hashes', () => {
  it('are 22 base64url characters, stable across calls', () => {
    const hash = addressHash('ada@example.org', secret);
    expect(hash).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(addressHash('ada@example.org', secret)).toBe(hash);
    // Pinned to the documented construction: changing how hashes are made
    // would orphan every journal and suppression already in archives.
    expect(hash).toBe(
      createHmac('sha256', secret).update('ada@example.org').digest('base64url').slice(0, 22),
    );
  });

  it('ignore case and surrounding spaces', () => {
    const hash = addressHash('ada@example.org', secret);
    expect(addressHash('Ada@Example.ORG', secret)).toBe(hash);
    expect(addressHash('  ada@example.org\t', secret)).toBe(hash);
  });

  it('differ between addresses and between secrets', () => {
    const hash = addressHash('ada@example.org', secret);
    expect(addressHash('grace@example.org', secret)).not.toBe(hash);
    expect(addressHash('ada@example.org', `${secret}!`)).not.toBe(hash);
  });

  it('do not contain the address', () => {
    expect(addressHash('ada@example.org', secret)).not.toMatch(/ada|example/i);
  });
});

describe('shards', () => {
  const addresses = Array.from({ length: 10_000 }, (_, i) => `reader${i}@example.org`);

  it('put each of 10,000 addresses in exactly one of 4 shards, roughly evenly', () => {
    const counts = [0, 0, 0, 0];
    for (const address of addresses) {
      const shard = shardOf(address, secret, 4);
      expect(Number.isInteger(shard) && shard >= 0 && shard < 4).toBe(true);
      counts[shard] = (counts[shard] ?? 0) + 1;
    }
    // Each address is sent by the one job whose index matches its shard.
    const covered = [0, 1, 2, 3].flatMap((i) =>
      addresses.filter((address) => shardOf(address, secret, 4) === i),
    );
    expect(covered.sort()).toEqual([...addresses].sort());
    expect(counts.reduce((a, b) => a + b)).toBe(10_000);
    for (const count of counts) {
      expect(count).toBeGreaterThanOrEqual(2_250);
      expect(count).toBeLessThanOrEqual(2_750);
    }
  });

  it('are deterministic and ignore case', () => {
    for (const address of addresses.slice(0, 100)) {
      expect(shardOf(address.toUpperCase(), secret, 7)).toBe(shardOf(address, secret, 7));
    }
    expect(shardOf('ada@example.org', secret, 1)).toBe(0);
    const digest = createHmac('sha256', secret).update('ada@example.org').digest();
    expect(shardOf('Ada@example.org', secret, 1000)).toBe(digest.readUIntBE(0, 6) % 1000);
  });

  it('refuse a shard count that is not a whole number of at least 1', () => {
    for (const n of [0, -1, 1.5, Number.NaN]) {
      expect(() => shardOf('ada@example.org', secret, n)).toThrow(RangeError);
    }
  });
});

describe('address checks', () => {
  it('accept ordinary addresses and name what is wrong with others', () => {
    expect(
      Object.fromEntries(
        [
          'ada@example.org',
          'ada.lovelace+news@mail.example.co.uk',
          'zoë@exämple.org',
          '',
          'ada.example.org',
          'ada@@example.org',
          '@example.org',
          'ada@',
          'ada@localhost',
          'ada@example.',
          'ada@.example.org',
          'ada@example..org',
          'ada lovelace@example.org',
          'ada@example.org\r\nBcc: all@example.org',
          '<ada@example.org>',
          'ada@example.org;grace@example.org',
          `${'a'.repeat(250)}@example.org`,
        ].map((address) => [address, addressProblem(address)]),
      ),
    ).toEqual({
      'ada@example.org': undefined,
      'ada.lovelace+news@mail.example.co.uk': undefined,
      'zoë@exämple.org': undefined,
      '': 'empty address',
      'ada.example.org': 'address without `@`',
      'ada@@example.org': 'address with 2 `@`',
      '@example.org': 'address with nothing before `@`',
      'ada@': 'address with nothing after `@`',
      'ada@localhost': 'domain without a dot in an address',
      'ada@example.': 'misplaced dot in the domain of an address',
      'ada@.example.org': 'misplaced dot in the domain of an address',
      'ada@example..org': 'misplaced dot in the domain of an address',
      'ada lovelace@example.org': 'space in an address',
      'ada@example.org\r\nBcc: all@example.org': 'space in an address',
      '<ada@example.org>': '`<` in an address',
      'ada@example.org;grace@example.org': '`;` in an address',
      [`${'a'.repeat(250)}@example.org`]: 'address of 262 characters (at most 254 are allowed)',
    });
  });
});
