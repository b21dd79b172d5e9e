import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { setAside } from '../src/site/previous-site.ts';
import { indexForSearch, pagesDigest, SEARCH_DIR } from '../src/site/search-index.ts';
import { takeOver, type PreviousFolder } from '../src/site/stamped-dir.ts';

const page = (title: string, text: string) =>
  `<!doctype html><html lang="en"><head><title>${title}</title></head><body><main data-pagefind-body><h1>${title}</h1><p>${text}</p></main></body></html>`;

/** A built site of three pages; `edit` changes the text of one. */
async function site(edit = ''): Promise<string> {
  const out = await mkdtemp(path.join(tmpdir(), 'ops-hub-search-'));
  for (const [dir, title, text] of [['a', 'Gitea', 'Git hosting'], ['b', 'Registry', 'Container images'], ['c', 'Backups', `Nightly dumps${edit}`]]) {
    await mkdir(path.join(out, dir!), { recursive: true });
    await writeFile(path.join(out, dir!, 'index.html'), page(title!, text!));
  }
  return out;
}

/** A stamp file of its own, as a build keeps one per output folder beside the inventory's caches. */
const newStamp = async () => path.join(await mkdtemp(path.join(tmpdir(), 'ops-hub-stamps-')), 'search.sha256');

/** A folder set aside, which notes when the build discards it (previous-site.ts then deletes it). */
type Aside = PreviousFolder & { discarded: boolean };
const aside = (at: string): Aside => ({
  path: at,
  discarded: false,
  discard() {
    this.discarded = true;
  },
});

/** An index built for `out` and stamped in `stamp`, then moved aside as a build moves the previous site's. */
async function previousIndexOf(out: string, stamp: string): Promise<Aside> {
  expect(await indexForSearch(out, { digest: pagesDigest(out), stamp })).toBe('indexed');
  const at = `${out}-previous-index`;
  await rename(path.join(out, SEARCH_DIR), at);
  return aside(at);
}

// pagefind indexes in its own process: a budget for a busy machine, not a wait.
describe('search index', { timeout: 120_000 }, () => {
  it('indexes every page, and stamps the digest of the pages outside the published site', async () => {
    const out = await site();
    const stamp = await newStamp();
    expect(await indexForSearch(out, { digest: pagesDigest(out), stamp })).toBe('indexed');
    const entry = JSON.parse(await readFile(path.join(out, SEARCH_DIR, 'pagefind-entry.json'), 'utf8')) as { languages: Record<string, { page_count: number }> };
    expect(Object.values(entry.languages).reduce((n, l) => n + l.page_count, 0)).toBe(3);
    expect(await readFile(stamp, 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
    expect((await readdir(out, { recursive: true })).filter((f) => f.includes('sha256'))).toEqual([]);
  });

  it('takes over the previous index when it was built from the very same pages', async () => {
    const stamp = await newStamp();
    const previous = await previousIndexOf(await site(), stamp);
    const { ino } = await stat(previous.path);
    const out = await site();
    expect(await indexForSearch(out, { digest: pagesDigest(out), stamp, previous })).toBe('reused');
    expect((await stat(path.join(out, SEARCH_DIR))).ino).toBe(ino);
    expect(existsSync(previous.path)).toBe(false);
    expect(previous.discarded).toBe(false);
  });

  it('builds a new index when one page differs by one character, and hands the previous one back to be deleted', async () => {
    const stamp = await newStamp();
    const previous = await previousIndexOf(await site(), stamp);
    const before = await readFile(stamp, 'utf8');
    const out = await site('.');
    expect(await indexForSearch(out, { digest: pagesDigest(out), stamp, previous })).toBe('indexed');
    expect(await readFile(stamp, 'utf8')).not.toBe(before);
    expect(existsSync(path.join(previous.path, 'pagefind-entry.json'))).toBe(true);
    expect(previous.discarded).toBe(true);
  });

  it('builds a new index when the previous one has no stamp', async () => {
    const stamp = await newStamp();
    const previous = await previousIndexOf(await site(), stamp);
    await writeFile(stamp, 'not a digest\n');
    const out = await site();
    expect(await indexForSearch(out, { digest: pagesDigest(out), stamp, previous })).toBe('indexed');
    expect(previous.discarded).toBe(true);
  });
});

describe('a stamped folder', () => {
  it('loses its stamp as soon as it is not taken over, so a folder left half-made never passes for whole', async () => {
    const stamp = await newStamp();
    const previous = aside(await site());
    await writeFile(stamp, 'digest-of-last-build\n');
    expect(await takeOver({ stamp, previous }, `${previous.path}-next`, 'digest-of-this-build')).toBe(false);
    expect(existsSync(stamp)).toBe(false);
    expect(existsSync(previous.path)).toBe(true);
    expect(previous.discarded).toBe(true);
  });
});

describe('the previous site', () => {
  it('is moved aside at once, deleted but for its search index meanwhile, and gone after remove()', async () => {
    const out = await site();
    await mkdir(path.join(out, SEARCH_DIR));
    await writeFile(path.join(out, SEARCH_DIR, 'pagefind-entry.json'), '{}');
    const previous = await setAside(out);
    expect(existsSync(out)).toBe(false);
    expect(await readFile(path.join(previous!.searchIndex.path, 'pagefind-entry.json'), 'utf8')).toBe('{}');
    const at = path.dirname(previous!.searchIndex.path);
    await previous!.remove();
    expect(existsSync(at)).toBe(false);
    expect(await readdir(path.dirname(out))).not.toContain(path.basename(at));
  });

  it('deletes a folder the new build discards at once, and keeps the other until the build is done', async () => {
    const out = await site();
    for (const folder of [SEARCH_DIR, 'api']) {
      await mkdir(path.join(out, folder, 'records'), { recursive: true });
      await writeFile(path.join(out, folder, 'records', 'x.json'), '{}');
    }
    const previous = (await setAside(out))!;
    previous.searchIndex.discard();
    await expect.poll(() => existsSync(previous.searchIndex.path), { timeout: 60_000, interval: 20 }).toBe(false);
    expect(existsSync(path.join(previous.api.path, 'records', 'x.json'))).toBe(true);
    await previous.remove();
    expect(existsSync(path.dirname(previous.api.path))).toBe(false);
  });

  it('is nothing to set aside when there is none', async () => {
    const out = path.join(await mkdtemp(path.join(tmpdir(), 'ops-hub-search-')), 'never-built');
    expect(await setAside(out)).toBeUndefined();
  });
});
