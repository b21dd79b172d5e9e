import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { API_DIR } from './api-files.ts';
import { SEARCH_DIR } from './search-index.ts';
import { stampedWith, stampFile, stampWith, unstamp, type PreviousFolder } from './stamped-dir.ts';

const run = promisify(execFile);

/** Folders of a built site that a rebuild may take over (stamped-dir.ts): they are kept until the new build decides. */
const REUSABLE = [SEARCH_DIR, API_DIR];

/** The site a build replaces, moved out of the way of the new one. */
export interface PreviousSite {
  /** Its search index, for the new build to take if it indexes the same pages. */
  searchIndex: PreviousFolder;
  /** Its read API, for the new build to take if made from the same records, settings and program. */
  api: PreviousFolder;
  /** Deletes what is left of it, once the deletions already started are done. */
  remove(): Promise<void>;
}

/**
 * Moves the previous site aside (beside it, so on the same file system) and
 * starts deleting it, all but its search index and read API, while the new
 * one is built: at 10k records it holds some 30k files, seconds that need not
 * come last. Each of those two is deleted as soon as the new build decides to
 * make its own. Deletions run in `rm` processes: Node's recursive delete
 * would queue thousands of calls in the thread pool the build reads and
 * writes its files through, and took 4.4 s at the end of a 10k build. Where
 * the site cannot be moved, it is deleted before returning.
 */
export async function setAside(outDir: string): Promise<PreviousSite | undefined> {
  const aside = `${outDir}.previous-${process.pid}`;
  try {
    await rename(outDir, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') await rm(outDir, { recursive: true, force: true });
    return undefined;
  }
  const deletions: Array<Promise<void>> = [];
  const deleteNow = (paths: string[]) => {
    if (paths.length === 0) return;
    const deleting = run('rm', ['-rf', '--', ...paths]).then(() => undefined);
    // Awaited by remove(); until then a failure is not an unhandled rejection.
    deleting.catch(() => undefined);
    deletions.push(deleting);
  };
  deleteNow((await readdir(aside)).filter((entry) => !REUSABLE.includes(entry)).map((entry) => path.join(aside, entry)));
  const folder = (name: string): PreviousFolder => {
    const at = path.join(aside, name);
    return { path: at, discard: () => deleteNow([at]) };
  };
  return {
    searchIndex: folder(SEARCH_DIR),
    api: folder(API_DIR),
    async remove() {
      await Promise.all(deletions);
      await run('rm', ['-rf', '--', aside]);
    },
  };
}

/** The stamp of the whole site in `outDir`: the digest (site-version.ts) it was built from, once built whole. */
const wholeSite = (root: string, outDir: string) => stampFile(root, outDir, 'site');

/**
 * Whether the site in `outDir` was built whole from inputs with this digest:
 * a build then keeps it as it is, and renders, indexes and lays out nothing.
 */
export async function builtWholeFrom(root: string, outDir: string, digest: string): Promise<boolean> {
  return existsSync(path.join(outDir, 'index.html')) && (await stampedWith(wholeSite(root, outDir), digest));
}

/** Before a site is built anew: the stamp goes first, so that a site left half-built is never kept. */
export function forgetWholeSite(root: string, outDir: string): Promise<void> {
  return unstamp(wholeSite(root, outDir));
}

/** Once the site is built whole: its pages, diagrams, search index and read API. */
export function stampWholeSite(root: string, outDir: string, digest: string): Promise<void> {
  return stampWith({ stamp: wholeSite(root, outDir) }, digest);
}
