import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.ts';
import type { ParsedFile } from './parse-file.ts';
import type { ParseCache, ParseInput } from './parse-many.ts';

/** Bump when the shape of ParsedFile or the parser's output changes. */
const CACHE_VERSION = 'parse-v1';

/**
 * Parse results by content hash, in one JSON file. Parsing YAML dominates a
 * validate run; an unchanged file costs a hash and a lookup instead. The
 * cache lives in the inventory's own (git-ignored) `.cache/`; entries not
 * used by a run are dropped, so it tracks the current inventory.
 */
export async function fileParseCache(root: string): Promise<ParseCache> {
  const dir = path.join(root, '.cache');
  const file = path.join(dir, `${CACHE_VERSION}.json`);
  let stored: Record<string, ParsedFile> = {};
  try {
    stored = JSON.parse(await readFile(file, 'utf8')) as Record<string, ParsedFile>;
  } catch {
    // No cache yet, or an unreadable one: start empty.
  }
  const used: Record<string, ParsedFile> = {};
  let dirty = false;
  const keyOf = (input: ParseInput) => createHash('sha1').update(input.format).update('\0').update(input.text).digest('base64');
  return {
    get(input) {
      const key = keyOf(input);
      // Results set earlier in this process count too (diff opens two inventories with one cache).
      const hit = stored[key] ?? used[key];
      if (hit) used[key] = hit;
      return hit;
    },
    set(input, parsed) {
      used[keyOf(input)] = parsed;
      dirty = true;
    },
    async save() {
      if (!dirty && Object.keys(used).length === Object.keys(stored).length) return;
      // A cache that cannot be written (read-only checkout) only costs speed.
      try {
        await writeFileAtomic(file, JSON.stringify(used));
      } catch {
        return;
      }
    },
  };
}
