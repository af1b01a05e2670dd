import { readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleFixture } from '../helpers/fixture.js';
import { runCli } from '../helpers/runCli.js';
import { spawnServe } from '../helpers/spawnServe.js';

describe('storyline serve', () => {
  it('answers /healthz, and on SIGTERM finishes the request in flight and exits 0', async () => {
    const root = await sampleFixture();
    const { child, url, done } = await spawnServe(
      root,
      { STORYLINE_SECRET: 'serve-command-secret-0123' },
      0,
    );
    const health = await fetch(`${url}healthz`);
    expect(health.status).toBe(200);

    // A sign-up whose body is still arriving when the signal comes.
    const body = 'email=reader%40example.org&name=Slow';
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        `${url}subscribe`,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => {
            text += chunk.toString('utf8');
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(() => {
        child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(10)), 300);
      }, 300);
    });
    const { status, text } = await answer;
    expect(status).toBe(200);
    expect(text).toContain('Check your inbox');
    const result = await done;
    expect(result.code).toBe(0);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(
      lines
        .filter((line) => 'route' in line)
        .map((line) => `${line.method} ${line.route} ${line.status}`),
    ).toEqual(['GET /healthz 200', 'POST /subscribe 200']);
    expect(result.stdout).not.toContain('reader');
  });

  it('exits 2 on a bad --port', async () => {
    const result = await runCli(['serve', '--port', 'x'], { cwd: await sampleFixture() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--port takes a number');
  });

  it('exits 2 on --smtp-port without bounces.domain, saying what to set', async () => {
    const result = await runCli(['serve', '--port', '0', '--smtp-port', '0'], {
      cwd: await sampleFixture(),
      env: { STORYLINE_SECRET: 'serve-command-secret-0123' },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Unexpected --smtp-port without bounces.domain');
  });

  it('exits 2 naming the variable when a configured webhook provider has no secret', async () => {
    const root = await sampleFixture();
    const configPath = path.join(root, 'storyline.config.json');
    const config = JSON.parse(await readFile(configPath, 'utf8')) as Record<string, unknown>;
    config.bounces = { webhooks: { mailgun: {} } };
    await writeFile(configPath, JSON.stringify(config));
    const result = await runCli(['serve', '--port', '0'], {
      cwd: root,
      env: { STORYLINE_SECRET: 'serve-command-secret-0123', STORYLINE_MAILGUN_SIGNING_KEY: '' },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'Unexpected bounces.webhooks.mailgun without STORYLINE_MAILGUN_SIGNING_KEY',
    );
  });
});
