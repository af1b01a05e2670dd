/** Shorter keys are guessable offline from the hashes in a public archive. */
export const minSecretLength = 16;

/**
 * The key used when `STORYLINE_SECRET` is unset and mail only goes to the
 * local outbox, so a fresh clone runs with no setup. It is public (it is in
 * this file), so tokens and hashes made with it protect nothing.
 */
export const developmentSecret = 'storyline-development-key-do-not-use-for-real-mail';

export const developmentSecretWarning =
  'STORYLINE_SECRET is not set: using a development key; set it before mailing real subscribers';

export interface ResolvedSecret {
  secret: string;
  /** Set when the development key is used; the caller prints it. */
  warning?: string;
}

/**
 * `STORYLINE_SECRET`, the HMAC key for unsubscribe tokens and the address
 * hashes in `archive/`. An empty value counts as unset: CI systems pass an
 * empty string for a secret that was never configured. Messages never
 * contain the value, not even its length.
 */
export function resolveSecret(
  env: NodeJS.ProcessEnv,
  options: { transport: 'outbox' | 'smtp' },
): ResolvedSecret {
  const secret = env.STORYLINE_SECRET;
  if (secret === undefined || secret === '') {
    if (options.transport === 'outbox') {
      return { secret: developmentSecret, warning: developmentSecretWarning };
    }
    throw new Error(
      `STORYLINE_SECRET is not set, expected a random key of at least ${minSecretLength} characters before mailing through SMTP_URL; generate one with \`openssl rand -base64 32\`, keep it in your CI secrets, and keep it: changing it later invalidates every unsubscribe link already sent`,
    );
  }
  if (secret.length < minSecretLength) {
    throw new Error(
      `STORYLINE_SECRET is too short, expected at least ${minSecretLength} characters; generate one with \`openssl rand -base64 32\``,
    );
  }
  return { secret };
}

/** The secret for whatever `SMTP_URL` says this run sends through: the outbox when it is unset. */
export function secretFromEnv(env: NodeJS.ProcessEnv): ResolvedSecret {
  return resolveSecret(env, { transport: env.SMTP_URL?.trim() ? 'smtp' : 'outbox' });
}
