import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publish } from '../../src/commands/publishCommand.js';
import { run as status } from '../../src/commands/statusCommand.js';
import { checkProject as check } from '../../src/usecases/checkProject.js';
import { captureIo } from '../helpers/captureIo.js';
import { secret, sendFixtureDir, sendInProcess } from '../helpers/sendFixture.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtpSink.js';

const editionId = '2014-02-10-second-round-geneva';

/** What a damaged record file may hold instead of the record storyline wrote. */
const damaged: [string, (record: Record<string, unknown>) => string][] = [
  ['null', () => 'null\n'],
  ['[1,2,3]', () => '[1,2,3]\n'],
  ['{"hash":123}', () => '{"hash":123}\n'],
  ['[] as a record', () => '[]\n'],
  ['a record without `id`', ({ id: _id, ...rest }) => `${JSON.stringify(rest, null, 2)}\n`],
  [
    'a record whose `startedAt` is a number',
    (record) => `${JSON.stringify({ ...record, startedAt: 1 }, null, 2)}\n`,
  ],
];

/** What a crash of Node looks like in output, rather than a message about the file. */
const crash = /Cannot read properties|is not a function|is not iterable|TypeError/;

let sink: SmtpSink;
/** After a whole send: edition.json says complete. */
let sent: { root: string; remove: () => Promise<void> };
/** After shard 1 of 2 only: status.1-of-2.json, no edition.json. */
let halfSharded: { root: string; remove: () => Promise<void> };

beforeAll(async () => {
  sink = await startSmtpSink();
  const env = { SMTP_URL: sink.url, STORYLINE_SECRET: secret };
  sent = await sendFixtureDir(6);
  expect((await sendInProcess(sent.root, env)).code).toBe(0);
  halfSharded = await sendFixtureDir(6);
  expect((await sendInProcess(halfSharded.root, env, { shard: { index: 1, count: 2 } })).code).toBe(
    0,
  );
});

afterAll(async () => {
  await sink?.close();
  await sent?.remove();
  await halfSharded?.remove();
});

/** A copy of `from` with `file` (relative) replaced by the damaged version. */
async function damagedCopy(
  from: string,
  file: string,
  damage: (record: Record<string, unknown>) => string,
): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'storyline-damaged-'));
  await cp(from, root, { recursive: true });
  const target = path.join(root, file);
  await writeFile(target, damage(JSON.parse(await readFile(target, 'utf8'))));
  return root;
}

async function runAll(root: string) {
  const env = { SMTP_URL: sink.url, STORYLINE_SECRET: secret, STORYLINE_SUBSCRIBERS: '' };
  const now = () => new Date();
  const checked = await check({ root, now: now() });
  const statusIo = captureIo(root, env, now);
  const statusCode = await status({ values: {}, positionals: [], io: statusIo.io });
  const before = sink.messages.length;
  const sendResult = await sendInProcess(root, env);
  const publishIo = captureIo(root, env, now);
  const publishCode = await publish({ root, io: publishIo.io });
  return {
    check: checked,
    status: { code: statusCode, stdout: statusIo.stdout(), stderr: statusIo.stderr() },
    send: sendResult,
    publish: { code: publishCode, stderr: publishIo.stderr() },
    mailed: sink.messages.length - before,
  };
}

describe.each([
  ['edition.json of a finished edition', () => sent.root, `archive/${editionId}/edition.json`],
  ['the status file of a shard', () => halfSharded.root, `archive/${editionId}/status.1-of-2.json`],
])('a damaged %s', (_name, from, file) => {
  it.each(damaged)(
    'holding %s: check, status, send and publish report it at its line and mail nobody',
    async (_value, damage) => {
      const root = await damagedCopy(from(), file, damage);
      try {
        const result = await runAll(root);
        const where = new RegExp(`${file.replaceAll('.', '\\.')}:\\d+:\\d+: Unexpected`);
        const problem = result.check.problems.find((p) => p.file?.endsWith(file));
        expect(problem?.fatal).toBe(true);
        expect(problem?.line).toBeGreaterThan(0);
        expect(problem?.message).toMatch(/^Unexpected .*restore it from git/);
        expect(result.check.ok).toBe(false);

        expect(result.status.code).toBe(1);
        expect(result.status.stderr).toMatch(where);
        // Never "in progress" for a record nobody can read.
        expect(result.status.stdout).not.toContain('in progress');
        expect(result.status.stdout).toContain('Next: fix the problems above');

        expect(result.send.code).toBe(1);
        expect(result.send.stderr).toMatch(where);
        expect(result.publish.code).toBe(1);
        expect(result.publish.stderr).toMatch(where);
        expect(result.mailed).toBe(0);
        for (const output of [result.status.stderr, result.send.stderr, result.publish.stderr])
          expect(output).not.toMatch(crash);
      } finally {
        await rm(root, { recursive: true, force: true });
      }
    },
  );
});

describe('a damaged edition.json beside complete shard status files', () => {
  it('is reported, and status still counts the edition as complete from the shards', async () => {
    const env = { SMTP_URL: sink.url, STORYLINE_SECRET: secret };
    const root = await mkdtemp(path.join(tmpdir(), 'storyline-damaged-'));
    try {
      await cp(halfSharded.root, root, { recursive: true });
      expect((await sendInProcess(root, env, { shard: { index: 2, count: 2 } })).code).toBe(0);
      await writeFile(path.join(root, 'archive', editionId, 'edition.json'), 'null\n');
      const io = captureIo(root, env, () => new Date());
      expect(await status({ values: {}, positionals: [], io: io.io })).toBe(1);
      expect(io.stderr()).toContain(`archive/${editionId}/edition.json:1:1: Unexpected \`null\``);
      expect(io.stdout()).toMatch(new RegExp(`${editionId} +complete`));
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
