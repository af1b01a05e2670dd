import { cp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { messageKeys } from '../../src/i18n/shippedCatalogs.js';
import { fixture } from '../helpers/fixture.js';
import { problemsOf } from '../helpers/problems.js';
import { repoRoot, runCli } from '../helpers/runCli.js';

/** The English story with a Hebrew update, with its config's `locale` and `labels` set. */
async function storyIn(locale: string, labels: Record<string, string> = {}): Promise<string> {
  const root = await fixture({});
  await cp(path.join(repoRoot, 'test/fixtures/hebrew-update'), root, { recursive: true });
  await writeFile(
    path.join(root, 'storyline.config.json'),
    `{\n  "publication": "Geneva Watch",\n  "locale": "${locale}",\n  "labels": ${JSON.stringify(labels)}\n}\n`,
  );
  return root;
}

describe('check and missing translations', () => {
  it('warns at `locale`, naming the locale and every key that would stay English', async () => {
    const root = await storyIn('ja', { update: '更新', correction: '訂正' });
    const result = await runCli(['check', '--root', root], {
      cwd: root,
      env: { STORYLINE_NOW: '2014-03-01T12:00:00Z' },
    });
    expect(result.code).toBe(0);
    const keys = messageKeys.filter((key) => key !== 'update' && key !== 'correction');
    expect(result.stderr).toBe(
      `storyline.config.json:3:13: warning: Unexpected English words in a \`ja\` edition (no translation of ${keys.map((key) => `\`${key}\``).join(', ')} for locale \`ja\`), expected every word in the reader's language; set them under \`labels\` in storyline.config.json, or add a catalog to storyline's src/i18n/catalogs/ [missing-translation]\n`,
    );
    expect(result.stdout).toContain('1 warning');
  });

  it('says nothing when a catalog or the labels have every word', async () => {
    expect(await problemsOf(await storyIn('fr-CH'))).toEqual([]);
    expect(await problemsOf(await storyIn('uk-UA'))).toEqual([]);
    const everyLabel = Object.fromEntries(messageKeys.map((key) => [key, `${key} (ja)`]));
    expect(await problemsOf(await storyIn('ja', everyLabel))).toEqual([]);
  });
});
