import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '@portico/errors';

/** The lock file in a SQLite data directory: the pid and host of the one process using it. */
export const DATA_DIR_LOCK_FILE = 'portico.lock';

/** Directories this process holds, with how many database managers use each (the scheduler's has its own). */
const held = new Map<string, number>();
let exitHookInstalled = false;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, but someone else's
  }
}

/**
 * Takes the SQLite data directory `dir` for this process: a second Portico process on the same files would
 * run scheduled work twice and fight over SQLite's single writer, so it is refused with a message. A lock
 * left by a process that no longer runs (kill -9, a crash) is taken over. Freed by `releaseDataDir` and at exit.
 */
export function acquireDataDir(dir: string): void {
  const resolved = path.resolve(dir);
  const count = held.get(resolved);
  if (count !== undefined) {
    held.set(resolved, count + 1);
    return;
  }
  fs.mkdirSync(resolved, { recursive: true });
  const file = path.join(resolved, DATA_DIR_LOCK_FILE);
  const mine = JSON.stringify({ pid: process.pid, host: os.hostname() });
  for (let attempt = 0; ; attempt++) {
    try {
      fs.writeFileSync(file, mine, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 2) throw error;
    }
    let owner: { pid?: number; host?: string } = {};
    try {
      owner = JSON.parse(fs.readFileSync(file, 'utf8')) as typeof owner;
    } catch {
      // unreadable or half-written: treated as stale below unless it names a live process
    }
    const sameHost = owner.host === undefined || owner.host === os.hostname();
    if (typeof owner.pid === 'number' && owner.pid !== process.pid && (!sameHost || isAlive(owner.pid))) {
      throw new ConfigError(
        `Another Portico instance (pid ${owner.pid}${sameHost ? '' : ` on ${owner.host}`}) is using the SQLite data directory ${resolved} ` +
          `(lock file ${file}). SQLite serves one instance; stop the other one, or run several instances on PostgreSQL ` +
          `(backend.database.client: pg, docs/deploying.md).`,
      );
    }
    // left by a process that has ended: take it over
    fs.rmSync(file, { force: true });
  }
  held.set(resolved, 1);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const d of held.keys()) removeLockFile(d);
    });
  }
}

/** Gives back one use of `dir`; the last one removes the lock file. */
export function releaseDataDir(dir: string): void {
  const resolved = path.resolve(dir);
  const count = held.get(resolved);
  if (count === undefined) return;
  if (count > 1) {
    held.set(resolved, count - 1);
    return;
  }
  held.delete(resolved);
  removeLockFile(resolved);
}

function removeLockFile(dir: string): void {
  const file = path.join(dir, DATA_DIR_LOCK_FILE);
  try {
    const owner = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid?: number };
    if (owner.pid === process.pid) fs.rmSync(file, { force: true });
  } catch {
    // already gone
  }
}
