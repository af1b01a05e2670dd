import { describe, expect, it } from 'vitest';
import { isLoopback } from '../../src/util/isLoopback.js';

describe('isLoopback', () => {
  it.each([
    '127.0.0.1',
    '127.1.2.3',
    '127.255.255.255',
    '::1',
    '[::1]',
    '0:0:0:0:0:0:0:1',
    '::ffff:127.0.0.1',
    '[::ffff:7f00:1]',
    'localhost',
    'LOCALHOST',
  ])('counts the loopback literal %s as loopback', (host) => {
    expect(isLoopback(host)).toBe(true);
  });

  it.each([
    '127.evil.example',
    '127.0.0.1.nip.io',
    '127.relay.attacker.example',
    'localhost.evil.example',
    'evil-localhost',
    '127.1',
    '128.0.0.1',
    '10.0.0.1',
    '0.0.0.0',
    '::',
    '::2',
    '::ffff:10.0.0.1',
    '[::1].evil.example',
    '',
  ])('does not count %s as loopback', (host) => {
    expect(isLoopback(host)).toBe(false);
  });
});
