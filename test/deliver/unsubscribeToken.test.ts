import { describe, expect, it } from 'vitest';
import {
  createLegacyUnsubscribeToken,
  createUnsubscribeToken,
  verifyUnsubscribeToken,
} from '../../src/deliver/unsubscribeToken.js';

const secret = 'k3y-th4t-is-l0ng-enough';

/** `token` with one character at `index` replaced by another base64url character. */
function flip(token: string, index: number): string {
  const char = token[index] === 'A' ? 'B' : 'A';
  return `${token.slice(0, index)}${char}${token.slice(index + 1)}`;
}

describe('legacy unsubscribe tokens (links already mailed)', () => {
  it('verify for the address they were made for, lowercased', () => {
    const token = createLegacyUnsubscribeToken('Ada@Example.org', secret);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(encodeURIComponent(token)).toBe(token);
    expect(verifyUnsubscribeToken(token, secret)).toBe('ada@example.org');
    expect(createLegacyUnsubscribeToken(' ada@example.org ', secret)).toBe(token);
  });

  it('carry non-ASCII addresses', () => {
    const token = createLegacyUnsubscribeToken('zoë@exämple.org', secret);
    expect(verifyUnsubscribeToken(token, secret)).toBe('zoë@exämple.org');
  });

  it('fail for another address, a tampered address or MAC, or another secret', () => {
    const token = createLegacyUnsubscribeToken('ada@example.org', secret);
    const [address = '', mac = ''] = token.split('.');
    const grace = createLegacyUnsubscribeToken('grace@example.org', secret);
    const graceAddress = grace.split('.')[0];
    // Grace's address with Ada's MAC: unsubscribing someone else.
    expect(verifyUnsubscribeToken(`${graceAddress}.${mac}`, secret)).toBeUndefined();
    expect(verifyUnsubscribeToken(`${flip(address, 2)}.${mac}`, secret)).toBeUndefined();
    for (let i = 0; i < mac.length; i++) {
      expect(verifyUnsubscribeToken(`${address}.${flip(mac, i)}`, secret)).toBeUndefined();
    }
    expect(verifyUnsubscribeToken(token, `${secret}!`)).toBeUndefined();
    expect(verifyUnsubscribeToken(`${address}.${mac.slice(0, -1)}`, secret)).toBeUndefined();
    expect(verifyUnsubscribeToken(`${address}.${mac}A`, secret)).toBeUndefined();
    expect(verifyUnsubscribeToken(`${address}=.${mac}`, secret)).toBeUndefined();
  });

  it('reject garbage without throwing', () => {
    const token = createLegacyUnsubscribeToken('ada@example.org', secret);
    for (const garbage of [
      '',
      '.',
      'a.b',
      '..',
      `${token}.${token}`,
      token.replace('.', ''),
      token.replace('.', '!'),
      `${token.split('.')[0]}.${'%'.repeat(22)}`,
      `${Buffer.from([0xff, 0xfe]).toString('base64url')}.${token.split('.')[1]}`,
      'x'.repeat(1_000_000),
      `${'x'.repeat(1_000_000)}.${token.split('.')[1]}`,
      '\u0000.\u0000',
      '🦊.🦊',
    ]) {
      expect(verifyUnsubscribeToken(garbage, secret)).toBeUndefined();
    }
    expect(verifyUnsubscribeToken(undefined as unknown as string, secret)).toBeUndefined();
  });
});

describe('opaque unsubscribe tokens', () => {
  it('verify for the address they were made for, lowercased, and are the same each time', () => {
    const token = createUnsubscribeToken('Ada@Example.org', secret);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(verifyUnsubscribeToken(token, secret)).toBe('ada@example.org');
    expect(createUnsubscribeToken(' ada@example.org ', secret)).toBe(token);
    expect(createUnsubscribeToken('zoë@exämple.org', secret)).not.toBe(token);
    expect(verifyUnsubscribeToken(createUnsubscribeToken('zoë@exämple.org', secret), secret)).toBe(
      'zoë@exämple.org',
    );
  });

  it('hold the address in no decodable form', () => {
    for (const address of ['ada@example.org', 'a.very.long.name+tag@sub.example.co.uk']) {
      const token = createUnsubscribeToken(address, secret);
      const bytes = Buffer.from(token, 'base64url');
      const latin = bytes.toString('latin1');
      expect(token).not.toContain(Buffer.from(address).toString('base64url').slice(0, 8));
      for (const part of address.split(/[@.+]/).filter((p) => p.length >= 3)) {
        expect(latin).not.toContain(part);
        expect(token.toLowerCase()).not.toContain(part);
      }
      // No split of the token decodes to the address either.
      for (let start = 0; start < 4; start++)
        expect(Buffer.from(token.slice(start), 'base64url').toString('latin1')).not.toContain(
          address.split('@')[0],
        );
    }
    // Lengths are padded: two addresses of different lengths, one token length.
    expect(createUnsubscribeToken('a@b.org', secret).length).toBe(
      createUnsubscribeToken('ab@b.org', secret).length,
    );
  });

  it('fail when tampered, truncated, extended or made with another secret', () => {
    const token = createUnsubscribeToken('ada@example.org', secret);
    for (let i = 0; i < token.length; i++)
      expect(verifyUnsubscribeToken(flip(token, i), secret), `flipped at ${i}`).toBeUndefined();
    for (let cut = 1; cut < token.length; cut++)
      expect(verifyUnsubscribeToken(token.slice(0, cut), secret)).toBeUndefined();
    expect(verifyUnsubscribeToken(`${token}A`, secret)).toBeUndefined();
    expect(verifyUnsubscribeToken(`${token}AAAA`, secret)).toBeUndefined();
    expect(verifyUnsubscribeToken(token, `${secret}!`)).toBeUndefined();
    expect(
      verifyUnsubscribeToken(createUnsubscribeToken('ada@example.org', `${secret}!`), secret),
    ).toBeUndefined();
  });
});
