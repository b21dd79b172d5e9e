import path from 'node:path';
import { withFileLock } from '../util/file-lock.ts';

/**
 * Runs `fn` holding the inventory's write lock. Every command that rewrites
 * files of an inventory (probe --write, seeds, schema) reads, edits and writes
 * inside it, so two runs on one checkout take turns instead of losing one
 * run's edits. The lock lives in the git-ignored `.cache/` beside the parse cache.
 */
export function withInventoryLock<T>(root: string, fn: () => Promise<T>): Promise<T> {
  return withFileLock(path.join(root, '.cache', 'write.lock'), fn);
}
