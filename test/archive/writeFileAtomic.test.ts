import { mkdir, open, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { writeFileAtomic } from '../../src/util/writeFileAtomic.js';
import { writeIfChanged } from '../../src/util/writeIfChanged.js';
import { fixture } from '../helpers/fixture.js';

// Failures a disk can produce mid-write (a full disk, an I/O error at the
// rename) cannot be made on demand as root, so this file's fs can be told to
// fail; it passes everything through otherwise.
const failures = vi.hoisted(() => ({
  rename: undefined as NodeJS.ErrnoException | undefined,
  /** Write this many bytes of the data, then fail. */
  writeAfter: undefined as { bytes: number; error: NodeJS.ErrnoException } | undefined,
  /** When set, each rename is logged here with the inode it moves. */
  log: undefined as string[] | undefined,
}));

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  const rename: typeof actual.rename = async (from, to) => {
    if (failures.rename) throw failures.rename;
    if (failures.log) failures.log.push(`rename ${(await actual.stat(from)).ino}`);
    return actual.rename(from, to);
  };
  const writeFile = (async (file: string, data: string | Uint8Array) => {
    const plan = failures.writeAfter;
    if (!plan) return actual.writeFile(file, data);
    await actual.writeFile(file, Buffer.from(data).subarray(0, plan.bytes));
    throw plan.error;
  }) as typeof actual.writeFile;
  return { ...actual, rename, writeFile, default: { ...actual, rename, writeFile } };
});

const errno = (code: string): NodeJS.ErrnoException =>
  Object.assign(new Error(`${code}: simulated`), { code });

const oldPage = '<!doctype html><p>The page as it was.</p>\n';
const newPage = `<!doctype html><p>${'The page as it is now. '.repeat(2000)}</p>\n`;

async function pageFolder(): Promise<{ dir: string; page: string }> {
  const dir = await fixture({ 'archive/index.html': oldPage });
  return { dir: path.join(dir, 'archive'), page: path.join(dir, 'archive', 'index.html') };
}

describe('writeFileAtomic', () => {
  it('leaves the old page whole and no temporary file when the rename fails', async () => {
    const { dir, page } = await pageFolder();
    failures.rename = errno('EIO');
    try {
      await expect(writeFileAtomic(page, newPage)).rejects.toMatchObject({ code: 'EIO' });
    } finally {
      failures.rename = undefined;
    }
    expect(await readFile(page, 'utf8')).toBe(oldPage);
    expect(await readdir(dir)).toEqual(['index.html']);
  });

  it('leaves the old page whole and no temporary file when the disk fills part-way', async () => {
    const { dir, page } = await pageFolder();
    failures.writeAfter = { bytes: 100, error: errno('ENOSPC') };
    try {
      await expect(writeFileAtomic(page, newPage)).rejects.toMatchObject({ code: 'ENOSPC' });
    } finally {
      failures.writeAfter = undefined;
    }
    expect(await readFile(page, 'utf8')).toBe(oldPage);
    expect(await readdir(dir)).toEqual(['index.html']);
  });

  it('cleans up after a real failed rename: over a folder in the way', async () => {
    const { dir } = await pageFolder();
    // Something else holds the name: the rename fails after the temporary file is written.
    const inTheWay = path.join(dir, 'feed.xml');
    await mkdir(inTheWay);
    await writeFile(path.join(inTheWay, 'keep'), 'kept');
    await expect(writeFileAtomic(inTheWay, newPage)).rejects.toMatchObject({
      code: expect.stringMatching(/^(EISDIR|ENOTEMPTY|EEXIST)$/),
    });
    expect(await readFile(path.join(inTheWay, 'keep'), 'utf8')).toBe('kept');
    expect((await readdir(dir)).sort()).toEqual(['feed.xml', 'index.html']);
  });

  it('shows a reader the old bytes or the new while it writes, never part of them', async () => {
    const { dir, page } = await pageFolder();
    const big = Buffer.alloc(32 * 1024 * 1024, 'x');
    let writing = true;
    const seen = new Set<number>();
    const reader = (async () => {
      while (writing) seen.add((await readFile(page)).length);
    })();
    await writeFileAtomic(page, big);
    writing = false;
    await reader;
    seen.add((await readFile(page)).length);
    expect([...seen].every((size) => size === oldPage.length || size === big.length)).toBe(true);
    expect(seen.has(big.length)).toBe(true);
    expect(await readdir(dir)).toEqual(['index.html']);
  });

  // Whether data reached the disk before a power cut cannot be observed from
  // a test (it needs the machine to lose power), and strace is not in CI's
  // image; so the order of fsync calls is watched on the real FileHandle
  // class, whose methods still run.
  it('flushes the new file before the rename and the folder after it', async () => {
    const { dir, page } = await pageFolder();
    const handle = await open(page, 'r');
    const proto = Object.getPrototypeOf(handle) as { sync(): Promise<void> };
    await handle.close();
    const sync = proto.sync;
    const log: string[] = [];
    const spy = vi.spyOn(proto, 'sync').mockImplementation(async function (this: typeof handle) {
      const stats = await this.stat();
      log.push(`sync ${stats.isDirectory() ? 'folder' : 'file'} ${stats.ino}`);
      return sync.call(this);
    });
    failures.log = log;
    try {
      await writeFileAtomic(page, newPage);
    } finally {
      failures.log = undefined;
      spy.mockRestore();
    }
    const file = (await stat(page)).ino;
    const folder = (await stat(dir)).ino;
    expect(log).toEqual([`sync file ${file}`, `rename ${file}`, `sync folder ${folder}`]);
    expect(await readFile(page, 'utf8')).toBe(newPage);
  });

  it('writes where a folder cannot be flushed (EINVAL, EPERM, EISDIR)', async () => {
    const { page } = await pageFolder();
    const handle = await open(page, 'r');
    const proto = Object.getPrototypeOf(handle) as { sync(): Promise<void> };
    await handle.close();
    const sync = proto.sync;
    for (const code of ['EINVAL', 'EPERM', 'EISDIR']) {
      const spy = vi.spyOn(proto, 'sync').mockImplementation(async function (this: typeof handle) {
        if ((await this.stat()).isDirectory()) throw errno(code);
        return sync.call(this);
      });
      try {
        await writeFileAtomic(page, `${code}\n`);
      } finally {
        spy.mockRestore();
      }
      expect(await readFile(page, 'utf8')).toBe(`${code}\n`);
    }
  });

  it('creates the folder it writes into', async () => {
    const dir = await fixture({});
    const page = path.join(dir, 'archive', '2014-02-10-second-round-geneva', 'index.html');
    await writeFileAtomic(page, newPage);
    expect(await readFile(page, 'utf8')).toBe(newPage);
  });
});

describe('writeIfChanged', () => {
  it('writes nothing when the bytes are already there, and atomically when they differ', async () => {
    const { page } = await pageFolder();
    failures.rename = errno('EIO');
    try {
      // Would reject if it tried to write.
      expect(await writeIfChanged(page, oldPage)).toBe(false);
      await expect(writeIfChanged(page, newPage)).rejects.toMatchObject({ code: 'EIO' });
    } finally {
      failures.rename = undefined;
    }
    expect(await writeIfChanged(page, newPage)).toBe(true);
    expect(await readFile(page, 'utf8')).toBe(newPage);
  });
});
