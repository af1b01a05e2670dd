import { dkimKeyPem } from '../deliver/dkimKeyPem.js';

/**
 * The values that must never be printed: the SMTP and database passwords
 * (and the URLs that hold them), STORYLINE_SECRET, the DKIM key and the
 * webhook secrets (Postmark's password, Mailgun's signing key). Every line a command
 * writes goes through `redact`, so an error message quoting one of them
 * (from a library, say) still shows only `***`.
 */
export function secretsIn(env: NodeJS.ProcessEnv): string[] {
  const secrets: string[] = [];
  const add = (value: string | undefined) => {
    if (value && value.length >= 4) secrets.push(value);
  };
  add(env.STORYLINE_SECRET);
  // Not the Postmark user name (a word that may well appear elsewhere) nor SendGrid's public key.
  add(env.STORYLINE_POSTMARK_WEBHOOK_PASSWORD?.trim());
  add(env.STORYLINE_MAILGUN_SIGNING_KEY?.trim());
  const key = env.DKIM_PRIVATE_KEY?.trim();
  if (key) {
    add(key);
    // A path to the key: the key itself must not show either.
    const pem = dkimKeyPem(key) ?? key;
    add(pem.trim());
    // Its base64 body line by line too, in case something quotes part of it.
    for (const line of pem.split('\n'))
      if (line.trim().length >= 32 && !line.startsWith('-----')) add(line.trim());
  }
  addUrlPassword(env.SMTP_URL, add);
  // A database URL may be a plain file path: no password, nothing to hide.
  const database = env.STORYLINE_DATABASE_URL;
  if (database && /^[a-z][a-z0-9+.-]+:\/\//i.test(database)) addUrlPassword(database, add);
  // Longest first, so a value containing another is replaced whole.
  return [...new Set(secrets)].sort((a, b) => b.length - a.length);
}

/** A URL holding a password: the URL and the password (as written and decoded) are secrets. */
function addUrlPassword(value: string | undefined, add: (secret: string) => void): void {
  if (!value) return;
  try {
    const url = new URL(value);
    // A URL without a password is just an address; printing it helps.
    if (url.password) {
      add(value);
      add(decodeURIComponent(url.password));
      add(url.password);
    }
  } catch {
    // Unparsable: it may still hold a password, so keep it out of sight whole.
    add(value);
  }
}

export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) out = out.replaceAll(secret, '***');
  return out;
}

/** A stream wrapper that redacts every write. */
export function redactingStream<T extends NodeJS.WritableStream>(
  stream: T,
  secrets: readonly string[],
): T {
  if (secrets.length === 0) return stream;
  return new Proxy(stream, {
    get(target, property, receiver) {
      if (property === 'write') {
        return (chunk: unknown, ...rest: unknown[]) =>
          (target.write as (...args: unknown[]) => boolean).call(
            target,
            redactChunk(chunk, secrets),
            ...rest,
          );
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** A written chunk with secrets replaced: strings, and bytes (decoded as UTF-8) too. */
function redactChunk(chunk: unknown, secrets: readonly string[]): unknown {
  if (typeof chunk === 'string') return redact(chunk, secrets);
  if (chunk instanceof Uint8Array) {
    const text = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('utf8');
    const redacted = redact(text, secrets);
    // Untouched bytes go out as they came (a split multi-byte character stays whole).
    return redacted === text ? chunk : Buffer.from(redacted, 'utf8');
  }
  return chunk;
}
