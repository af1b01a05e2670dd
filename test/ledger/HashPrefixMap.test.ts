import { describe, expect, it } from 'vitest';
import { addressHash } from '../../src/ledger/addressHash.js';
import { HashPrefixMap } from '../../src/ledger/HashPrefixMap.js';

const secret = 'k3y-th4t-is-l0ng-enough';
const hashOf = (i: number) => addressHash(`reader${i}@example.org`, secret);

describe('the hash prefix map', () => {
  it('holds what was added through many doublings, and nothing else', () => {
    const set = new HashPrefixMap();
    const count = 50_000;
    for (let i = 0; i < count; i++) set.add(hashOf(i));
    // Adding again changes nothing.
    for (let i = 0; i < 100; i++) set.add(hashOf(i));
    expect(set.size).toBe(count);
    let members = 0;
    for (let i = 0; i < count; i++) if (set.has(hashOf(i))) members++;
    expect(members).toBe(count);
    let strangers = 0;
    for (let i = count; i < 2 * count; i++) if (set.has(hashOf(i))) strangers++;
    expect(strangers).toBe(0);
  });

  it('maps each hash to its latest value, kept across growth', () => {
    const map = new HashPrefixMap({ values: true });
    for (let i = 0; i < 5_000; i++) map.set(hashOf(i), i);
    for (let i = 0; i < 5_000; i += 2) map.set(hashOf(i), 0xffffffff);
    expect(map.size).toBe(5_000);
    expect(map.get(hashOf(1))).toBe(1);
    expect(map.get(hashOf(4_999))).toBe(4_999);
    expect(map.get(hashOf(4_998))).toBe(0xffffffff);
    expect(map.get(hashOf(5_000))).toBeUndefined();
    expect([...map.values()].filter((v) => v === 0xffffffff)).toHaveLength(2_500);
    // `add` keeps a value that is there.
    map.add(hashOf(3));
    expect(map.get(hashOf(3))).toBe(3);
  });

  it('takes two hashes that share the kept prefix for one: the documented false positive', () => {
    // Only 4 bits kept: of 40 hashes, at most 16 keys can be told apart.
    const narrow = new HashPrefixMap({ keyBits: 4, values: true });
    const hashes = Array.from({ length: 40 }, (_, i) => hashOf(i));
    for (const [i, hash] of hashes.entries()) narrow.set(hash, i);
    expect(narrow.size).toBeLessThanOrEqual(16);
    // Every hash is found, and twins share the value of the last one set.
    const firstBits = (hash: string) => (Buffer.from(hash, 'base64url')[0] ?? 0) >> 4;
    for (const hash of hashes) {
      const lastTwin = hashes.findLastIndex((other) => firstBits(other) === firstBits(hash));
      expect(narrow.get(hash)).toBe(lastTwin);
    }
    // A hash never added is found when it shares 4 bits with one that was.
    const stranger = hashOf(1_000);
    expect(narrow.has(stranger)).toBe(hashes.some((h) => firstBits(h) === firstBits(stranger)));
    // With the full 96 bits, the same hashes are all told apart.
    const full = new HashPrefixMap();
    for (const hash of hashes) full.add(hash);
    expect(full.size).toBe(40);
  });

  it('keys on any digest: addresses by their SHA-256', async () => {
    const { hash } = await import('node:crypto');
    const byAddress = new HashPrefixMap({
      values: true,
      digest: (address) => hash('sha256', address, 'buffer'),
    });
    byAddress.set('ada@example.org', 7);
    expect(byAddress.get('ada@example.org')).toBe(7);
    expect(byAddress.get('grace@example.org')).toBeUndefined();
  });

  it('refuses a key shorter than the prefix it keeps', () => {
    expect(() => new HashPrefixMap().has('short')).toThrow(/Unexpected key of 3 bytes/);
    expect(() => new HashPrefixMap({ words: 5 })).toThrow(RangeError);
  });

  it('given the keys it will hold, starts with a table for them and never doubles', () => {
    const count = 100_000;
    const sized = new HashPrefixMap({ values: true, expectedSize: count });
    const grown = new HashPrefixMap({ values: true });
    const first = sized.capacity;
    for (let i = 0; i < count; i++) {
      sized.set(hashOf(i), i);
      grown.set(hashOf(i), i);
    }
    // Just enough slots for 100,000 keys three quarters full (no power of two).
    expect(first).toBe(133_334);
    expect(sized.capacity).toBe(first);
    // Grown from 1,024 slots by doubling: twice the slots, and a doubling
    // held the old table beside the new one.
    expect(grown.capacity).toBe(262_144);
    expect(sized.get(hashOf(99_999))).toBe(99_999);
    // More than expected still fits: the table doubles as before.
    for (let i = count; i < 2 * count; i++) sized.set(hashOf(i), i);
    expect(sized.capacity).toBe(2 * first);
    expect(sized.size).toBe(2 * count);
    expect(new HashPrefixMap({ expectedSize: 10 }).capacity).toBe(1024);
    expect(() => new HashPrefixMap({ expectedSize: -1 })).toThrow(RangeError);
    expect(() => new HashPrefixMap({ expectedSize: Number.POSITIVE_INFINITY })).toThrow(RangeError);
  });

  it('filled to three quarters of a table of any size, finds every key and no other, wrapping past the last slot', () => {
    // Full tables of sizes that are no power of two: a run of taken slots
    // that reaches the end of one goes on at slot 0, or its keys are lost.
    for (const count of [750, 1_001, 7_919, 30_000]) {
      const map = new HashPrefixMap({ values: true, expectedSize: count });
      const capacity = map.capacity;
      for (let i = 0; i < count; i++) map.set(hashOf(i), i);
      expect(map.capacity).toBe(capacity);
      expect(map.size).toBe(count);
      let found = 0;
      for (let i = 0; i < count; i++) if (map.get(hashOf(i)) === i) found++;
      expect(found).toBe(count);
      let strangers = 0;
      for (let i = count; i < 2 * count; i++) if (map.has(hashOf(i))) strangers++;
      expect(strangers).toBe(0);
      expect([...map.values()].length).toBe(count);
    }
  });
});
