import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { setAside } from '../src/site/previous-site.ts';
import { indexForSearch, SEARCH_DIR } from '../src/site/search-index.ts';

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

/** An index built for `out`, moved aside as a build moves the previous site's. */
async function previousIndexOf(out: string): Promise<string> {
  expect(await indexForSearch(out)).toBe('indexed');
  const aside = `${out}-previous-index`;
  await rename(path.join(out, SEARCH_DIR), aside);
  return aside;
}

// pagefind indexes in its own process: a budget for a busy machine, not a wait.
describe('search index', { timeout: 120_000 }, () => {
  it('indexes every page and stamps the index with the pages it was built from', async () => {
    const out = await site();
    expect(await indexForSearch(out)).toBe('indexed');
    const entry = JSON.parse(await readFile(path.join(out, SEARCH_DIR, 'pagefind-entry.json'), 'utf8')) as { languages: Record<string, { page_count: number }> };
    expect(Object.values(entry.languages).reduce((n, l) => n + l.page_count, 0)).toBe(3);
    expect(await readFile(path.join(out, SEARCH_DIR, 'pages.sha256'), 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
  });

  it('takes over the previous index when it was built from the very same pages', async () => {
    const previous = await previousIndexOf(await site());
    const { ino } = await stat(previous);
    const out = await site();
    expect(await indexForSearch(out, previous)).toBe('reused');
    expect((await stat(path.join(out, SEARCH_DIR))).ino).toBe(ino);
    expect(existsSync(previous)).toBe(false);
  });

  it('builds a new index when one page differs by one character, and leaves the previous one to its owner', async () => {
    const previous = await previousIndexOf(await site());
    const stamp = await readFile(path.join(previous, 'pages.sha256'), 'utf8');
    const out = await site('.');
    expect(await indexForSearch(out, previous)).toBe('indexed');
    expect(await readFile(path.join(out, SEARCH_DIR, 'pages.sha256'), 'utf8')).not.toBe(stamp);
    expect(existsSync(path.join(previous, 'pages.sha256'))).toBe(true);
  });

  it('builds a new index when the previous one carries no stamp', async () => {
    const previous = await previousIndexOf(await site());
    await writeFile(path.join(previous, 'pages.sha256'), 'not a digest\n');
    const out = await site();
    expect(await indexForSearch(out, previous)).toBe('indexed');
    expect(existsSync(previous)).toBe(true);
  });
});

describe('the previous site', () => {
  it('is moved aside at once, deleted but for its search index meanwhile, and gone after remove()', async () => {
    const out = await site();
    await mkdir(path.join(out, SEARCH_DIR));
    await writeFile(path.join(out, SEARCH_DIR, 'pagefind-entry.json'), '{}');
    const previous = await setAside(out);
    expect(existsSync(out)).toBe(false);
    expect(await readFile(path.join(previous!.searchIndex, 'pagefind-entry.json'), 'utf8')).toBe('{}');
    const aside = path.dirname(previous!.searchIndex);
    await previous!.remove();
    expect(existsSync(aside)).toBe(false);
    expect(await readdir(path.dirname(out))).not.toContain(path.basename(aside));
  });

  it('is nothing to set aside when there is none', async () => {
    const out = path.join(await mkdtemp(path.join(tmpdir(), 'ops-hub-search-')), 'never-built');
    expect(await setAside(out)).toBeUndefined();
  });
});
