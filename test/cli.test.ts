import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, sampleFixture, storyMd, updateMd } from './helpers/fixture.js';
import { runCli } from './helpers/runCli.js';

const env = { STORYLINE_NOW: '2014-03-01T12:00:00Z' };

describe('the storyline process', () => {
  it('check exits 0 on the sample with one summary line', async () => {
    const result = await runCli(['check'], { cwd: await sampleFixture() });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(
      'Syrian Government and Opposition Meet for Peace Talks in Montreux: 1 update, 1 pending, 0 drafts\n',
    );
    expect(result.code).toBe(0);
  });

  it('check exits 1 listing every problem, and --root selects the content', async () => {
    const root = await fixture({
      'story.md': storyMd,
      'updates/2014-02-10-a.md': updateMd('date: 2014-02-30'),
      'updates/2014-02-11-b.md': updateMd('date: 2014-02-11\nheadlin: X'),
    });
    const result = await runCli(['check', '--root', root], { env, cwd: root });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')).toEqual([
      'updates/2014-02-10-a.md:2:7: Unexpected day `30` in `2014-02-30`, expected 01 to 28 (February 2014 has 28 days) [invalid-date]',
      'updates/2014-02-11-b.md:3:1: Unexpected field `headlin` in the front matter of an update, expected one of `date`, `headline`, `kind`, `summary`, `draft`, `lang`; did you mean `headline`? [unknown-field]',
      '2 errors: nothing can be sent until they are fixed',
      '',
    ]);
  });

  it('check --json prints the messages as JSON and still exits 1', async () => {
    const root = await fixture({
      'story.md': storyMd,
      'updates/2014-02-10-a.md': updateMd('date: 2014-02-30'),
    });
    const result = await runCli(['check', '--json'], { env, cwd: root });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual([
      {
        file: 'updates/2014-02-10-a.md',
        line: 2,
        column: 7,
        endLine: 2,
        endColumn: 17,
        rule: 'invalid-date',
        message:
          'Unexpected day `30` in `2014-02-30`, expected 01 to 28 (February 2014 has 28 days)',
        severity: 'error',
      },
    ]);
  });

  it('check --json prints an empty list on good content', async () => {
    const result = await runCli(['check', '--json'], { cwd: await sampleFixture() });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([]);
  });

  it.each([
    [
      ['check', '--bogus'],
      'storyline check: unknown option `--bogus`\nUsage: storyline check [--json] [--strict] [--root DIR]\n',
    ],
    [
      ['check', 'extra'],
      'storyline check: unexpected argument `extra`\nUsage: storyline check [--json] [--strict] [--root DIR]\n',
    ],
    [
      ['check', '--root'],
      'storyline check: option `--root` needs a value\nUsage: storyline check [--json] [--strict] [--root DIR]\n',
    ],
    [
      ['new'],
      'storyline new: missing <headline...>\nUsage: storyline new <headline...> [--date YYYY-MM-DD] [--root DIR]\n',
    ],
    [
      ['new', 'Talks', '--date', '2014-02-30'],
      'storyline new: --date: Unexpected day `30` in `2014-02-30`, expected 01 to 28 (February 2014 has 28 days)\nUsage: storyline new <headline...> [--date YYYY-MM-DD] [--root DIR]\n',
    ],
  ])('exits 2 with the usage line on %j', async (args, stderr) => {
    const result = await runCli(args);
    expect(result.stderr).toBe(stderr);
    expect(result.code).toBe(2);
  });

  it.each(['1e3', '0x50', '80abc', '-1', '70000', '', ' 80', '8.0'])(
    'preview --port %j is a usage error: decimal 0 to 65535 only',
    async (port) => {
      const result = await runCli(['preview', `--port=${port}`]);
      expect(result.stderr).toMatch(
        /^storyline preview: --port takes a number from 0 to 65535, not `.*`\nUsage: storyline preview /,
      );
      expect(result.code).toBe(2);
    },
  );

  it('exits 2 on an unknown command or none, listing the commands', async () => {
    const unknown = await runCli(['sned']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /^storyline: unknown command `sned`\n\nUsage: storyline <command> \[options\]/,
    );
    const none = await runCli([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Commands:');
  });

  it('--help describes every command and exits 0', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: storyline <command> [options]');
    expect(result.stdout).toMatch(/^ {2}new <headline\.\.\.> +write updates\/<date>-<slug>\.md/m);
    expect(result.stdout).toMatch(/^ {2}check +validate the story/m);
    expect(result.stdout).toContain(
      'Exit codes: 0 success, 1 a content or delivery problem, 2 a usage error.',
    );
  });

  it('<command> --help shows its options', async () => {
    const result = await runCli(['check', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`Usage: storyline check [--json] [--strict] [--root DIR]

Validate the story, its updates, the config and the template; lint the rendered edition.

Options:
  --json      print the problems as JSON
  --strict    treat lint warnings as errors
  --root DIR  content root holding story.md (default: the current folder)
  --help      show help for the command
`);
  });

  it('new prints the path of the file it wrote, which check then accepts; a second new exits 1', async () => {
    const root = await fixture({ 'story.md': storyMd });
    const first = await runCli(['new', 'Ceasefire', 'in', 'Homs', '--date', '2014-02-09'], {
      env,
      cwd: root,
    });
    expect(first).toEqual({
      code: 0,
      stdout: 'updates/2014-02-09-ceasefire-in-homs.md\n',
      stderr: '',
    });
    expect(await readdir(path.join(root, 'updates'))).toEqual(['2014-02-09-ceasefire-in-homs.md']);
    const checked = await runCli(['check'], { env, cwd: root });
    expect(checked.stdout).toBe(
      'Talks Open in Montreux: 1 update, 0 pending, 1 draft\nDrafts are never sent; remove `draft: true` when ready: updates/2014-02-09-ceasefire-in-homs.md\n',
    );
    expect(checked.code).toBe(0);
    const again = await runCli(['new', 'Ceasefire in Homs', '--date', '2014-02-09'], {
      env,
      cwd: root,
    });
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(
      'storyline new: updates/2014-02-09-ceasefire-in-homs.md already exists; edit it, or pass another headline or --date\n',
    );
  });
});
