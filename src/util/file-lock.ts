import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** The lock stayed held by a live process for longer than the caller would wait. */
export class LockTimeoutError extends Error {}

interface Holder {
  pid: number;
  host: string;
  /** Tells this holding apart from a later one by the same pid. */
  token: string;
  since: string;
}

export interface LockOptions {
  /** How long to wait for a live holder, in ms (default 60 s). */
  timeoutMs?: number;
}

/**
 * Runs `fn` holding an advisory lock file, so cooperating processes take
 * turns at a read-modify-write: the second one reads after the first one
 * wrote. The file is created whole and atomically (written aside, then
 * hard-linked into place, which fails when it exists) and holds the holder's
 * pid; a lock whose process is gone (killed, crashed) is taken over.
 */
export async function withFileLock<T>(lockFile: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const me: Holder = { pid: process.pid, host: hostname(), token: randomBytes(8).toString('hex'), since: new Date().toISOString() };
  await acquire(lockFile, me, options.timeoutMs ?? 60_000);
  try {
    return await fn();
  } finally {
    if ((await readHolder(lockFile))?.token === me.token) await rm(lockFile, { force: true });
  }
}

async function acquire(lockFile: string, me: Holder, timeoutMs: number): Promise<void> {
  await mkdir(path.dirname(lockFile), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  // Waiting is polling with a short backoff: a holder only keeps the lock for one write cycle.
  for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
    if (await create(lockFile, me)) return;
    const holder = await readHolder(lockFile);
    if (holder && !isGone(holder)) {
      if (Date.now() > deadline) {
        throw new LockTimeoutError(
          `${lockFile} is held by process ${holder.pid} on ${holder.host} since ${holder.since}: another run is writing. ` +
            `Wait for it to finish; if no such process runs, delete ${lockFile}`,
        );
      }
    } else if (holder) await breakStale(lockFile, holder, me);
    await sleep(wait);
  }
}

/**
 * Removes a lock whose holder is gone. Several waiters may see it at once, so
 * one at a time does it (under `<lock>.break`), and only if the lock is still
 * the one seen stale, never one taken since. A breaker holds `.break` for
 * microseconds; one left by a killed breaker is removed in turn.
 */
async function breakStale(lockFile: string, stale: Holder, me: Holder): Promise<void> {
  const breaker = `${lockFile}.break`;
  if (!(await create(breaker, me))) {
    const other = await readHolder(breaker);
    if (other && isGone(other)) await rm(breaker, { force: true });
    return;
  }
  try {
    if ((await readHolder(lockFile))?.token === stale.token) await rm(lockFile, { force: true });
  } finally {
    await rm(breaker, { force: true });
  }
}

async function create(file: string, holder: Holder): Promise<boolean> {
  const aside = `${file}.${holder.token}`;
  await writeFile(aside, JSON.stringify(holder));
  try {
    await link(aside, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await rm(aside, { force: true });
  }
}

/** The holder of a lock file; undefined when there is none. Content that is not a holder counts as a gone one. */
async function readHolder(file: string): Promise<Holder | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return JSON.parse(text) as Holder;
  } catch {
    return { pid: 0, host: hostname(), token: text, since: 'unknown' };
  }
}

/** A holder on this host whose process no longer runs. One on another host cannot be checked, so it is waited for. */
function isGone(holder: Holder): boolean {
  if (holder.host !== hostname()) return false;
  if (!Number.isInteger(holder.pid) || holder.pid <= 0) return true;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
