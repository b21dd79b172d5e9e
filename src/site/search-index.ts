import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as pagefind from 'pagefind';

/** Where the index sits in the built site; the search page loads it from there. */
export const SEARCH_DIR = 'pagefind';
/** The digest of the pages an index was built from, kept beside it. */
const STAMP = 'pages.sha256';

/** Its package exports no package.json: read it beside the entry point (`lib/index.js`). */
const PAGEFIND_VERSION = (JSON.parse(readFileSync(path.join(fileURLToPath(import.meta.resolve('pagefind')), '../../package.json'), 'utf8')) as { version: string }).version;

/**
 * Indexes a built site for search with pagefind. A search index is a
 * function of the pages alone: when the previous build's index (`previous`,
 * set aside before this build) was built from the very same pages, it is
 * moved in instead of built again. At 10k records indexing takes longer than
 * rendering the pages. Returns whether it was reused.
 */
export async function indexForSearch(out: string, previous?: string): Promise<'reused' | 'indexed'> {
  const digest = pagesDigest(out);
  if (previous && (await readStamp(previous)) === digest) {
    try {
      await rename(previous, path.join(out, SEARCH_DIR));
      return 'reused';
    } catch {
      // Moved away or elsewhere meanwhile: build it.
    }
  }
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
  await writeFile(path.join(out, SEARCH_DIR, STAMP), `${digest}\n`);
  return 'indexed';
}

/** Every HTML page of the site, by path and content, and the indexer's version: all an index is built from. */
function pagesDigest(out: string): string {
  const hash = createHash('sha256').update(`pagefind ${PAGEFIND_VERSION}\0`);
  const pages = readdirSync(out, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.html'))
    .sort();
  for (const page of pages) hash.update(page).update('\0').update(readFileSync(path.join(out, page))).update('\0');
  return hash.digest('hex');
}

async function readStamp(dir: string): Promise<string | undefined> {
  try {
    return (await readFile(path.join(dir, STAMP), 'utf8')).trim();
  } catch {
    return undefined;
  }
}
