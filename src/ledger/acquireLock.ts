import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** Another process on this machine is sending the same edition. */
export class LockedError extends Error {
  override name = 'LockedError';
}

interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

/**
 * Take the lock for sending one edition (one shard of it) on this machine,
 * or throw `LockedError` naming the process that holds it. A lock left by a
 * process that no longer runs (killed) is taken over. Returns the release.
 */
export async function acquireLock(lockPath: string, now: Date): Promise<() => Promise<void>> {
  await mkdir(path.dirname(lockPath), { recursive: true });
  const owner: LockOwner = { pid: process.pid, host: os.hostname(), since: now.toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    // Written in full under another name, then linked into place: the lock
    // appears with its owner already in it, so nobody can read it half-written
    // and take it for stale.
    const pending = `${lockPath}.${process.pid}.tmp`;
    await writeFile(pending, JSON.stringify(owner));
    try {
      await link(pending, lockPath);
      return () => rm(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      await rm(pending, { force: true });
    }
    let holder: LockOwner | undefined;
    try {
      holder = JSON.parse(await readFile(lockPath, 'utf8')) as LockOwner;
    } catch {
      // Unreadable: written by a process killed half-way through; stale.
    }
    if (holder && holder.host === owner.host && isRunning(holder.pid)) {
      throw new LockedError(
        `another storyline send (process ${holder.pid}, since ${holder.since}) is sending this edition on this machine; wait for it to finish, or stop it and run storyline send again`,
      );
    }
    await rm(lockPath, { force: true });
  }
  throw new LockedError(
    `could not take the send lock ${lockPath}; another send is starting at the same moment`,
  );
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
