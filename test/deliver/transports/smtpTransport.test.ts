import { describe, expect, it } from 'vitest';
import { relaySecurity } from '../../../src/deliver/transports/smtpTransport.js';

describe('the security of a connection to the relay', () => {
  it('requires STARTTLS before the login for a host name that only starts like a loopback address', () => {
    for (const url of [
      'smtp://u:p@127.relay.attacker.example',
      'smtp://u:p@127.0.0.1.nip.io:25',
      'smtp://u:p@localhost.evil.example:587',
    ]) {
      expect(relaySecurity(new URL(url)), url).toEqual({
        secure: false,
        requireTLS: true,
        ignoreTLS: false,
      });
    }
  });

  it('lets mail to a loopback literal travel without TLS', () => {
    for (const url of [
      'smtp://u:p@127.0.0.1:2525',
      'smtp://u:p@[::1]:2525',
      'smtp://localhost:25',
    ]) {
      expect(relaySecurity(new URL(url)), url).toEqual({
        secure: false,
        requireTLS: false,
        ignoreTLS: true,
      });
    }
  });

  it('uses TLS from the start for smtps, whatever the host', () => {
    expect(relaySecurity(new URL('smtps://u:p@127.relay.attacker.example'))).toEqual({
      secure: true,
      requireTLS: false,
      ignoreTLS: false,
    });
  });
});
