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
  previous?: string | undefined;
}

/** Where the stamp of one folder of one output directory is kept. */
export function stampFile(root: string, outDir: string, folder: string): string {
  return path.join(root, '.cache', 'site', `${createHash('sha256').update(path.resolve(outDir)).digest('hex').slice(0, 16)}-${folder}.sha256`);
}

/**
 * Moves the previous folder to `target` if it was made from inputs with this
 * digest, and says whether it did. Otherwise the stamp is removed at once: the
 * folder is about to be made anew, and one left half-made by an interrupted
 * build must never pass for the previous one.
 */
export async function takeOver({ stamp, previous }: Stamped, target: string, digest: string): Promise<boolean> {
  if (previous && (await readStamp(stamp)) === digest) {
    try {
      await rename(previous, target);
      return true;
    } catch {
      // Moved away meanwhile: it is made anew.
    }
  }
  await rm(stamp, { force: true });
  return false;
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
