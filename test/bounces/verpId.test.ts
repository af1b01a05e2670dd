import { describe, expect, it } from 'vitest';
import { decodeVerpId, editionTag, encodeVerpId, verpAddress } from '../../src/bounces/verpId.js';
import { addressHash } from '../../src/ledger/addressHash.js';
import { base32Decode, base32Encode } from '../../src/util/base32.js';

const secret = 'test-secret-0123456789-abcdef';

describe('VERP ids', () => {
  it('name the edition and the whole address hash, and read back in any case', () => {
    for (let i = 0; i < 200; i++) {
      const address = `reader${i}@example.org`;
      const hash = addressHash(address, secret);
      const editionId = `2014-02-${String((i % 28) + 1).padStart(2, '0')}-round-${i}`;
      const id = encodeVerpId(editionId, hash);
      expect(id).toMatch(/^[a-z2-7]{34}$/);
      expect(decodeVerpId(id)).toEqual({ tag: editionTag(editionId), hash });
      expect(decodeVerpId(id.toUpperCase())).toEqual({ tag: editionTag(editionId), hash });
    }
  });

  it('make an envelope sender within the 64-octet local part that does not show the address', () => {
    const hash = addressHash('ada.lovelace@example.org', secret);
    const address = verpAddress('bounces.example.org', '2014-02-10-second-round-geneva', hash);
    const [local, domain] = address.split('@');
    expect(domain).toBe('bounces.example.org');
    expect(local?.startsWith('bounces+')).toBe(true);
    expect(local?.length).toBeLessThanOrEqual(64);
    expect(address).not.toContain('ada');
    expect(address).not.toContain('lovelace');
    expect(decodeVerpId(address)).toEqual({
      tag: editionTag('2014-02-10-second-round-geneva'),
      hash,
    });
  });

  it('read nothing from what is not one', () => {
    const id = encodeVerpId('e1', addressHash('a@example.org', secret));
    expect(decodeVerpId('bounces@example.org')).toBeUndefined();
    expect(decodeVerpId(`bounces+${id.slice(1)}@example.org`)).toBeUndefined();
    expect(decodeVerpId(`bounces+${id}x@example.org`)).toBeUndefined();
    expect(decodeVerpId('bounces+0000@example.org')).toBeUndefined();
    // The last character carries the zero bits past the hash: another one is refused.
    const last = id.at(-1) === 'a' ? 'b' : 'a';
    expect(decodeVerpId(`${id.slice(0, -1)}${last}`)).toBeUndefined();
  });

  it('base32 round-trips any bytes', () => {
    for (let length = 0; length < 40; length++) {
      const bytes = Buffer.from(Array.from({ length }, (_, i) => (i * 37 + length) & 255));
      expect(base32Decode(base32Encode(bytes))).toEqual(bytes);
    }
  });
});
