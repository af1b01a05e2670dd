import { describe, expect, it } from 'vitest';
import {
  developmentSecret,
  developmentSecretWarning,
  resolveSecret,
} from '../../src/deliver/secret.js';

const secret = 'k3y-th4t-is-l0ng-enough';

/** The message of what `work` throws. */
function thrown(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a throw');
}

describe('STORYLINE_SECRET', () => {
  it('is used when set, for either transport, with no warning', () => {
    for (const transport of ['outbox', 'smtp'] as const) {
      expect(resolveSecret({ STORYLINE_SECRET: secret }, { transport })).toEqual({ secret });
    }
  });

  it('falls back to a development key with a warning for the outbox', () => {
    for (const env of [{}, { STORYLINE_SECRET: '' }]) {
      expect(resolveSecret(env, { transport: 'outbox' })).toEqual({
        secret: developmentSecret,
        warning: developmentSecretWarning,
      });
    }
    expect(developmentSecretWarning).toBe(
      'STORYLINE_SECRET is not set: using a development key; set it before mailing real subscribers',
    );
  });

  it('is required to mail through SMTP', () => {
    for (const env of [{}, { STORYLINE_SECRET: '' }]) {
      expect(thrown(() => resolveSecret(env, { transport: 'smtp' }))).toBe(
        'STORYLINE_SECRET is not set, expected a random key of at least 16 characters before mailing through SMTP_URL; generate one with `openssl rand -base64 32`, keep it in your CI secrets, and keep it: changing it later invalidates every unsubscribe link already sent',
      );
    }
  });

  it('must be at least 16 characters, and no message repeats it', () => {
    for (const short of ['hunter2', 'fifteen-chars!!']) {
      for (const transport of ['outbox', 'smtp'] as const) {
        const message = thrown(() => resolveSecret({ STORYLINE_SECRET: short }, { transport }));
        expect(message).toBe(
          'STORYLINE_SECRET is too short, expected at least 16 characters; generate one with `openssl rand -base64 32`',
        );
        expect(message).not.toContain(short);
        expect(message).not.toContain(String(short.length));
      }
    }
    expect(resolveSecret({ STORYLINE_SECRET: 'sixteen-chars!!!' }, { transport: 'smtp' })).toEqual({
      secret: 'sixteen-chars!!!',
    });
  });
});
