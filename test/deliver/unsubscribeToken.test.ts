import { describe, expect, it } from 'vitest';
import {
  createUnsubscribeToken,
  verifyUnsubscribeToken,
} from '../../src/deliver/unsubscribeToken.js';

const secret = 'k3y-th4t-is-l0ng-enough';

/** `token` with one character at `index` replaced by another base64url character. */
function flip(token: string, index: number): string {
  const char = token[index] === 'A' ? 'B' : 'A';
  return `${token.slice(0, index)}${char}${token.slice(index + 1)}`;
}

describe('unsubscribe tokens', () => {
  it('verify for the address they were made for, lowercased', () => {
    const token = createUnsubscribeToken('Ada@Example.org', secret);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(encodeURIComponent(token)).toBe(token);
    expect(verifyUnsubscribeToken(token, secret)).toBe('ada@example.org');
    expect(createUnsubscribeToken(' ada@example.org ', secret)).toBe(token);
  });

  it('carry non-ASCII addresses', () => {
    const token = createUnsubscribeToken('zoë@exämple.org', secret);
    expect(verifyUnsubscribeToken(token, secret)).toBe('zoë@exämple.org');
  });

  it('fail for another address, a tampered address or MAC, or another secret', () => {
    const token = createUnsubscribeToken('ada@example.org', secret);
    const [address = '', mac = ''] = token.split('.');
    const grace = createUnsubscribeToken('grace@example.org', secret);
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
    const token = createUnsubscribeToken('ada@example.org', secret);
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
