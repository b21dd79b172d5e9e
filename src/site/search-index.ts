import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as pagefind from 'pagefind';
import { stampWith, takeOver, type Stamped } from './stamped-dir.ts';

/** Where the index sits in the built site; the search page loads it from there. */
export const SEARCH_DIR = 'pagefind';

/** Its package exports no package.json: read it beside the entry point (`lib/index.js`). */
const PAGEFIND_VERSION = (JSON.parse(readFileSync(path.join(fileURLToPath(import.meta.resolve('pagefind')), '../../package.json'), 'utf8')) as { version: string }).version;

/**
 * Indexes a built site for search with pagefind. A search index is a
 * function of the pages alone: when the previous build's index (set aside
 * before this build) was built from the very same pages, it is moved in
 * instead of built again (stamped-dir.ts): `digest` is `pagesDigest` of the
 * pages. At 10k records indexing takes longer than rendering the pages. Says
 * which it did.
 */
export async function indexForSearch(out: string, { digest, ...stamped }: Stamped & { digest: string }): Promise<'reused' | 'indexed'> {
  if (await takeOver(stamped, path.join(out, SEARCH_DIR), digest)) return 'reused';
  try {
    const { index, errors } = await pagefind.createIndex({});
    if (!index) throw new Error(`pagefind: ${errors.join('; ')}`);
    const added = await index.addDirectory({ path: out });
    if (added.errors.length > 0) throw new Error(`pagefind: ${added.errors.join('; ')}`);
    const written = await index.writeFiles({ outputPath: path.join(out, SEARCH_DIR) });
    if (written.errors.length > 0) throw new Error(`pagefind: ${written.errors.join('; ')}`);
  } finally {
    await pagefind.close();
  }
  await stampWith(stamped, digest);
  return 'indexed';
}

/** Every HTML page of the site, by path and content, and the indexer's version: all an index is built from. */
export function pagesDigest(out: string): string {
  const hash = createHash('sha256').update(`pagefind ${PAGEFIND_VERSION}\0`);
  const pages = readdirSync(out, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.html'))
    .sort();
  for (const page of pages) hash.update(page).update('\0').update(readFileSync(path.join(out, page))).update('\0');
  return hash.digest('hex');
}
