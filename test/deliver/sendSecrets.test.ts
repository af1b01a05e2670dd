import { generateKeyPairSync } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/runCli.js';
import { listFiles, secret, sendFixture } from '../helpers/sendFixture.js';
import { startSmtpSink } from '../helpers/smtpSink.js';

const user = 'newsroom';
const password = 'S3cret-p4ss-word-123';

/** Which of `secrets` appear in `text`, as they are or base64-encoded (as SMTP AUTH sends them). */
function secretsIn(text: string, secrets: Record<string, string>): string[] {
  return Object.entries(secrets)
    .filter(
      ([, value]) =>
        text.includes(value) ||
        text.includes(Buffer.from(value).toString('base64')) ||
        text.includes(encodeURIComponent(value)),
    )
    .map(([name]) => name);
}

/** Every file under `root` (.storyline/ and archive/ included) holding one of `secrets`. */
async function filesHolding(root: string, secrets: Record<string, string>): Promise<string[]> {
  const found: string[] = [];
  for (const file of await listFiles(root)) {
    const text = (await readFile(path.join(root, file))).toString('latin1');
    for (const name of secretsIn(text, secrets)) found.push(`${file}: ${name}`);
  }
  return found;
}

describe('secrets', () => {
  it('a run whose SMTP_URL holds a password prints and writes neither it nor STORYLINE_SECRET', async () => {
    const sink = await startSmtpSink({ auth: { user, pass: password } });
    const { root, addresses } = await sendFixture(20);
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    // One line of the key's base64 is enough to recognise it anywhere.
    const keyLine = pem.split('\n')[5] as string;
    const secrets = { password, STORYLINE_SECRET: secret, DKIM_PRIVATE_KEY: keyLine };
    try {
      const result = await runCli(['send'], {
        cwd: root,
        env: {
          SMTP_URL: `smtp://${user}:${password}@127.0.0.1:${sink.port}`,
          STORYLINE_SECRET: secret,
          DKIM_PRIVATE_KEY: pem,
          DKIM_SELECTOR: 'test',
          DKIM_DOMAIN: 'example.org',
        },
      });
      expect(result.code, result.stderr).toBe(0);
      // It did log in and send.
      expect(sink.authFailures).toBe(0);
      expect(sink.messages).toHaveLength(addresses.length);
      expect(secretsIn(result.stdout + result.stderr, secrets)).toEqual([]);
      const files = await listFiles(root);
      expect(files.some((f) => f.startsWith('archive/'))).toBe(true);
      expect(await filesHolding(root, secrets)).toEqual([]);
      // Nor do the messages carry them.
      expect(sink.messages.flatMap((m) => secretsIn(m.raw.toString('latin1'), secrets))).toEqual(
        [],
      );
    } finally {
      await sink.close();
    }
  });

  it('a wrong password exits 1 with a clear message that does not quote it', async () => {
    const sink = await startSmtpSink({ auth: { user, pass: password } });
    const { root } = await sendFixture(20);
    const wrong = 'wr0ng-Passw0rd-4567';
    try {
      const result = await runCli(['send'], {
        cwd: root,
        env: {
          SMTP_URL: `smtp://${user}:${wrong}@127.0.0.1:${sink.port}`,
          STORYLINE_SECRET: secret,
        },
      });
      console.log(`wrong password: exit ${result.code}\n${result.stderr.trim()}`);
      expect(result.code).toBe(1);
      expect(sink.authFailures).toBeGreaterThan(0);
      expect(sink.messages).toHaveLength(0);
      expect(result.stderr).toMatch(/auth|login|credentials|535/i);
      const secrets = { wrong, password, STORYLINE_SECRET: secret };
      expect(secretsIn(result.stdout + result.stderr, secrets)).toEqual([]);
      expect(await filesHolding(root, secrets)).toEqual([]);
    } finally {
      await sink.close();
    }
  });
});

describe('a DKIM key that does not parse', () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const lines = pem.trim().split('\n');
  const broken = {
    'pasted on one line': lines.join(' '),
    'missing a line': lines.filter((_, i) => i !== 5).join('\n'),
  };

  for (const [how, key] of Object.entries(broken)) {
    it(`stops send before any message when the key is ${how}, saying how to fix it`, async () => {
      const sink = await startSmtpSink();
      const { root } = await sendFixture(5);
      try {
        const result = await runCli(['send'], {
          cwd: root,
          env: {
            SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
            STORYLINE_SECRET: secret,
            DKIM_PRIVATE_KEY: key,
            DKIM_SELECTOR: 'test',
            DKIM_DOMAIN: 'example.org',
          },
        });
        expect(result.code, result.stderr).toBe(1);
        expect(sink.messages).toHaveLength(0);
        expect(result.stderr).toMatch(/DKIM_PRIVATE_KEY does not parse/);
        expect(result.stderr).toMatch(/BEGIN PRIVATE KEY.*line break.*one line/);
        // Not one line of the key's base64 is printed.
        for (const line of lines.slice(1, -1))
          expect(result.stdout + result.stderr).not.toContain(line);
        expect((await listFiles(root)).filter((f) => f.endsWith('deliveries.jsonl'))).toEqual([]);
      } finally {
        await sink.close();
      }
    });
  }
});

describe('output that would quote a secret', () => {
  it('shows *** where a message quotes STORYLINE_SECRET or the SMTP password', async () => {
    const { root } = await sendFixture(1);
    const storylineSecret = 'quoted-storyline-secret-0123';
    // Front matter fields named after the secrets: `check` quotes unknown field names.
    await writeFile(
      path.join(root, 'updates', '2014-02-10-second-round-geneva.md'),
      `---\ndate: 2014-02-10\n${storylineSecret}: 1\n${password}: 2\n---\n\nThe second round opened.\n`,
    );
    const result = await runCli(['check'], {
      cwd: root,
      env: {
        STORYLINE_SECRET: storylineSecret,
        SMTP_URL: `smtp://${user}:${password}@127.0.0.1:2525`,
      },
    });
    expect(result.code).toBe(1);
    // The messages are there, with the names replaced.
    expect(result.stdout + result.stderr).toMatch(
      /Unexpected field `\*\*\*`[^\n]*\n[^\n]*Unexpected field `\*\*\*`/,
    );
    const secrets = { password, STORYLINE_SECRET: storylineSecret };
    expect(secretsIn(result.stdout + result.stderr, secrets)).toEqual([]);
  });
});
