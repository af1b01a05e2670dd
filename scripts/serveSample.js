// `npm run serve`: the sample story, published into a scratch copy under
// .storyline/sample-site/ (git-ignored) with its site and service on this
// machine, then `storyline serve` on it. Every mail goes to the outbox
// (.storyline/sample-site/.storyline/outbox/), so a newcomer can sign up,
// open the confirmation mail, confirm, read the story so far (the catch-up)
// and unsubscribe with no mail server.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const repo = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const site = path.join(repo, '.storyline', 'sample-site');
const port = process.env.PORT ?? '4322';
const url = `http://127.0.0.1:${port}/`;
const bin = path.join(repo, 'bin', 'storyline.js');
const env = { ...process.env, SMTP_URL: '', STORYLINE_DATABASE_URL: '' };

if (!existsSync(path.join(repo, 'dist', 'cli.js'))) {
  process.stderr.write('serve: dist/ is missing; run `npm run build` first\n');
  process.exit(2);
}
rmSync(site, { recursive: true, force: true });
mkdirSync(site, { recursive: true });
for (const name of ['story.md', 'updates', 'templates', 'images', 'storyline.config.json']) {
  const from = path.join(repo, name);
  if (existsSync(from)) cpSync(from, path.join(site, name), { recursive: true });
}
const configPath = path.join(site, 'storyline.config.json');
const config = JSON.parse(readFileSync(configPath, 'utf8'));
config.siteUrl = url;
config.unsubscribe = {};
config.serve = { publicUrl: url };
config.send = { rate: 0 };
writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`);
writeFileSync(path.join(site, 'subscribers.csv'), 'email,name\nreader@example.org,Reader\n');

const published = spawnSync(process.execPath, [bin, 'publish'], {
  cwd: site,
  env,
  stdio: 'inherit',
});
if (published.status !== 0) process.exit(published.status ?? 1);
process.stdout.write(
  `\nOpen ${url} and subscribe; the confirmation mail lands in ${path.relative(repo, path.join(site, '.storyline', 'outbox', 'confirmations'))}/, and once you confirm, the story so far in ${path.relative(repo, path.join(site, '.storyline', 'outbox', 'catch-up'))}/\n\n`,
);
const served = spawnSync(process.execPath, [bin, 'serve', '--port', port], {
  cwd: site,
  env,
  stdio: 'inherit',
});
process.exit(served.status ?? 0);
