import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes a file so readers see the old or the new content, never half of it:
 * a temp file beside it (a dotfile, so the loader never takes it for a
 * record), flushed to disk, then renamed over the target. A writer killed
 * before the rename leaves the target as it was. Concurrent read-modify-write
 * cycles need a lock on top (see file-lock.ts): a rename alone can lose the
 * other run's changes. A cache, which a reader recomputes when it finds it
 * empty or unreadable (as after a crash between rename and flush), may skip
 * the flush (`durable: false`) and the wait for the disk it costs.
 */
export async function writeFileAtomic(file: string, content: string | Uint8Array, mode = 0o644, { durable = true } = {}): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  const temp = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temp, content, { mode, flush: durable });
    pauseBeforeRenameForTests(temp);
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

/**
 * Test-only hook (tests/atomic-write.test.ts): with
 * OPS_HUB_TEST_PAUSE_BEFORE_RENAME=<marker file> the writer records its temp
 * file's path in the marker and blocks for good between write and rename, so
 * the test can SIGKILL it at exactly that point. Never set it otherwise.
 */
function pauseBeforeRenameForTests(temp: string): void {
  const marker = process.env.OPS_HUB_TEST_PAUSE_BEFORE_RENAME;
  if (!marker) return;
  writeFileSync(marker, temp);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
}
