import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.ts';
import { fixture } from './helpers/fixture.ts';

/** The same build command and flags each time, into the same output, as a person rebuilding runs it. */
async function build(root: string, out: string): Promise<void> {
  const result = await cli('build.ts', ['--root', root, '--out', out, '--now', '2026-07-01T00:00:00Z']);
  expect(result.code, result.stderr).toBe(0);
}

/** The inode of a built folder: the same when a rebuild took the previous one over, new when it was written again. */
const inode = async (out: string, folder: string) => (await stat(path.join(out, folder))).ino;

// Three whole builds on a busy 2-core machine: a budget, not a wait.
describe('npm run build over its previous site', { timeout: 300_000 }, () => {
  it('takes over pages, search index and read API when nothing changed, makes them again when a record changed, and leaves nothing beside the site', async () => {
    const root = await fixture();
    const parent = await mkdtemp(path.join(tmpdir(), 'ops-hub-rebuild-'));
    const out = path.join(parent, 'site');

    await build(root, out);
    const first = { search: await inode(out, 'pagefind'), api: await inode(out, 'api') };
    const apiRecord = await readFile(path.join(out, 'api/records/registry.json'), 'utf8');
    const endpointPage = path.join(out, 'endpoints/registry-v2/index.html');
    const firstPage = await readFile(endpointPage, 'utf8');

    await build(root, out);
    expect({ search: await inode(out, 'pagefind'), api: await inode(out, 'api') }).toEqual(first);
    expect(await readFile(endpointPage, 'utf8')).toBe(firstPage);
    expect(await readdir(parent)).toEqual(['site']);

    const file = path.join(root, 'inventory/services/registry.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('title: Container registry', 'title: Harbor registry'));
    await build(root, out);
    expect(await inode(out, 'pagefind')).not.toBe(first.search);
    expect(await inode(out, 'api')).not.toBe(first.api);
    expect(apiRecord).toContain('Container registry');
    expect(await readFile(path.join(out, 'api/records/registry.json'), 'utf8')).toContain('Harbor registry');
    expect(await readFile(path.join(out, 'services/registry/index.html'), 'utf8')).toContain('Harbor registry');
    // A page that only links to the changed record is rendered again too, not copied from the last build.
    expect(firstPage).toContain('Container registry');
    expect(await readFile(endpointPage, 'utf8')).toContain('Harbor registry');
    expect(await readdir(parent)).toEqual(['site']);
  });
});
