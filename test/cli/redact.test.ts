import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { redactingStream, secretsIn } from '../../src/cli/redact.js';

/** A stream that keeps what reaches it, as the terminal or a CI log would. */
function sink(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

const password = 'S3cret-p4ss-word-123';
const env = {
  SMTP_URL: `smtps://newsroom:${encodeURIComponent(password)}@smtp.example.net:465`,
  STORYLINE_SECRET: 'storyline-secret-0123456789',
};

describe('redactingStream', () => {
  it('replaces the SMTP URL, its password and STORYLINE_SECRET in what is written', async () => {
    const out = sink();
    const stream = redactingStream(out.stream, secretsIn(env));
    stream.write(`connecting to ${env.SMTP_URL}\n`);
    stream.write(`login failed for newsroom with ${password}\n`);
    stream.write(`key ${env.STORYLINE_SECRET} is too short\n`);
    await new Promise<void>((resolve) => stream.end(resolve));
    expect(out.text()).toBe(
      'connecting to ***\nlogin failed for newsroom with ***\nkey *** is too short\n',
    );
  });

  it('redacts a secret written as bytes, not only as a string', async () => {
    const out = sink();
    const stream = redactingStream(out.stream, secretsIn(env));
    stream.write(Buffer.from(`password ${password}\n`));
    stream.write(new TextEncoder().encode(`secret ${env.STORYLINE_SECRET}\n`));
    await new Promise<void>((resolve) => stream.end(resolve));
    expect(out.text()).toBe('password ***\nsecret ***\n');
  });

  it('passes other output through as it is', async () => {
    const out = sink();
    const stream = redactingStream(out.stream, secretsIn(env));
    stream.write('Sending 2014-02-10 via smtps://smtp.example.net:465\n');
    stream.write(Buffer.from('bytes ✓\n'));
    await new Promise<void>((resolve) => stream.end(resolve));
    expect(out.text()).toBe('Sending 2014-02-10 via smtps://smtp.example.net:465\nbytes ✓\n');
  });
});

describe('secretsIn with STORYLINE_DATABASE_URL', () => {
  const dbPassword = 'pg-P@ss/word-9876';
  const databaseUrl = `postgres://storyline:${encodeURIComponent(dbPassword)}@db.example.net:5432/news`;

  it('keeps a PostgreSQL URL password out of what is written, encoded or not', async () => {
    const out = sink();
    const stream = redactingStream(out.stream, secretsIn({ STORYLINE_DATABASE_URL: databaseUrl }));
    stream.write(`could not connect to ${databaseUrl}\n`);
    stream.write(Buffer.from(`password authentication failed: ${dbPassword}\n`));
    stream.write(`encoded ${encodeURIComponent(dbPassword)}\n`);
    await new Promise<void>((resolve) => stream.end(resolve));
    const text = out.text();
    expect(text).toBe(
      'could not connect to ***\npassword authentication failed: ***\nencoded ***\n',
    );
    expect(text).not.toContain('9876');
  });

  it('hides nothing for a SQLite file path, which holds no password', () => {
    expect(secretsIn({ STORYLINE_DATABASE_URL: 'data/subscribers.db' })).toEqual([]);
    expect(secretsIn({ STORYLINE_DATABASE_URL: 'sqlite:data/subscribers.db' })).toEqual([]);
  });
});

describe('secretsIn with webhook secrets', () => {
  it('keeps the Postmark webhook password and the Mailgun signing key out of what is written', async () => {
    const out = sink();
    const stream = redactingStream(
      out.stream,
      secretsIn({
        STORYLINE_POSTMARK_WEBHOOK_USER: 'postmark',
        STORYLINE_POSTMARK_WEBHOOK_PASSWORD: 'pm-hook-password-4711',
        STORYLINE_MAILGUN_SIGNING_KEY: 'key-mailgun-signing-0815',
      }),
    );
    stream.write('postmark said pm-hook-password-4711; mailgun key-mailgun-signing-0815\n');
    await new Promise<void>((resolve) => stream.end(resolve));
    expect(out.text()).toBe('postmark said ***; mailgun ***\n');
  });
});
