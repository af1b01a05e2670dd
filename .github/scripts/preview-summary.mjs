// Writes the pull request's job summary (markdown) from `storyline build` output
// and `storyline check --json`: subject, preheader, HTML size against Gmail's
// clip, and the lints with their positions.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const [buildDir = 'preview', lintsFile = 'preview-lints.json'] = process.argv.slice(2);
const clip = 102 * 1024;
const lines = ['## Email preview', ''];
const editions = readdirSync(buildDir, { withFileTypes: true }).filter(
  (entry) => entry.isDirectory() && entry.name !== 'screenshots',
);
if (editions.length === 0) lines.push('Nothing pending: every update has been mailed.', '');
for (const entry of editions) {
  const edition = JSON.parse(readFileSync(path.join(buildDir, entry.name, 'edition.json'), 'utf8'));
  const share = ((edition.sizes.html / clip) * 100).toFixed(0);
  lines.push(
    `### ${entry.name}`,
    '',
    '| | |',
    '|---|---|',
    `| Subject | ${edition.subject.replaceAll('|', '\\|')} |`,
    `| Preheader | ${edition.preheader.replaceAll('|', '\\|')} |`,
    `| HTML | ${(edition.sizes.html / 1024).toFixed(1)} KB, ${share}% of Gmail's 102 KB clip |`,
    '',
  );
}
const lints = JSON.parse(readFileSync(lintsFile, 'utf8'));
lines.push(`### Lints (${lints.length})`, '');
for (const lint of lints)
  lines.push(`- \`${lint.file}:${lint.line}:${lint.column}\` ${lint.severity}: ${lint.message}`);
if (lints.length === 0) lines.push('None.');
lines.push('', 'The rendered email and screenshots are attached as the `email-preview` artifact.');
process.stdout.write(`${lines.join('\n')}\n`);
