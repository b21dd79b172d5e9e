import { createHash } from 'node:crypto';
import { readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.ts';

/**
 * A folder of the built site that is a pure function of some inputs (the
 * search index of the pages, the read API of the records) has a stamp: the
 * digest of those inputs. A rebuild whose inputs have the same digest takes
 * the previous build's folder over, one rename, instead of writing thousands
 * of files again. Stamps are kept with the inventory's other caches, never in
 * the published site.
 */
export interface Stamped {
  /** The stamp file of this folder of this output directory. */
  stamp: string;
  /** The folder as the previous build left it (set aside), if there is one. */
  previous?: PreviousFolder | undefined;
}

/** A folder of the previous build, set aside. */
export interface PreviousFolder {
  path: string;
  /** Starts deleting it: the new build makes its own. */
  discard(): void;
}

/** Where the stamp of one folder of one output directory is kept. */
export function stampFile(root: string, outDir: string, folder: string): string {
  return path.join(root, '.cache', 'site', `${createHash('sha256').update(path.resolve(outDir)).digest('hex').slice(0, 16)}-${folder}.sha256`);
}

/**
 * Moves the previous folder to `target` if it was made from inputs with this
 * digest, and says whether it did. Otherwise the stamp is removed at once: the
 * folder is about to be made anew, and one left half-made by an interrupted
 * build must never pass for the previous one. The previous folder is then
 * deleted meanwhile.
 */
export async function takeOver({ stamp, previous }: Stamped, target: string, digest: string): Promise<boolean> {
  if (previous && (await stampedWith(stamp, digest))) {
    try {
      await rename(previous.path, target);
      return true;
    } catch {
      // Moved away meanwhile: it is made anew.
    }
  }
  await unstamp(stamp);
  previous?.discard();
  return false;
}

/** Whether the stamp says its folder is whole and made from inputs with this digest. */
export async function stampedWith(stamp: string, digest: string): Promise<boolean> {
  return (await readStamp(stamp)) === digest;
}

/** Removes a stamp before its folder is changed, so that a folder left half-made never passes for a whole one. */
export async function unstamp(stamp: string): Promise<void> {
  await rm(stamp, { force: true });
}

/** Stamps a folder once it is whole. A stamp that cannot be written (read-only checkout) only costs the next build time. */
export async function stampWith({ stamp }: Stamped, digest: string): Promise<void> {
  try {
    await writeFileAtomic(stamp, `${digest}\n`, 0o644, { durable: false });
  } catch {
    return;
  }
}

async function readStamp(file: string): Promise<string | undefined> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    return undefined;
  }
}
