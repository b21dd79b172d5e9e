import { execFile } from 'node:child_process';
import { readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { API_DIR } from './api-files.ts';
import { SEARCH_DIR } from './search-index.ts';

const run = promisify(execFile);

/** Folders of a built site that a rebuild may take over (stamped-dir.ts): they are kept until the build is done. */
const REUSABLE = [SEARCH_DIR, API_DIR];

/** The site a build replaces, moved out of the way of the new one. */
export interface PreviousSite {
  /** Its search index, for the new build to take if it indexes the same pages. */
  searchIndex: string;
  /** Its read API, for the new build to take if made from the same records, settings and program. */
  api: string;
  /** Deletes what is left of it, once the deletion started at once is done. */
  remove(): Promise<void>;
}

/**
 * Moves the previous site aside (beside it, so on the same file system) and
 * starts deleting it, all but its search index and read API, while the new one is built:
 * at 10k records it holds some 30k files, seconds that need not come first.
 * The deletion runs in its own `rm` process: Node's recursive delete would
 * queue thousands of calls in the thread pool the build reads its files
 * through. Where the site cannot be moved, it is deleted before returning.
 */
export async function setAside(outDir: string): Promise<PreviousSite | undefined> {
  const aside = `${outDir}.previous-${process.pid}`;
  try {
    await rename(outDir, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') await rm(outDir, { recursive: true, force: true });
    return undefined;
  }
  const rest = (await readdir(aside)).filter((entry) => !REUSABLE.includes(entry)).map((entry) => path.join(aside, entry));
  const deleting = rest.length > 0 ? run('rm', ['-rf', '--', ...rest]).then(() => undefined) : Promise.resolve();
  // Awaited by remove(); until then a failure is not an unhandled rejection.
  deleting.catch(() => undefined);
  return {
    searchIndex: path.join(aside, SEARCH_DIR),
    api: path.join(aside, API_DIR),
    async remove() {
      await deleting;
      await rm(aside, { recursive: true, force: true });
    },
  };
}
