import { existsSync } from 'node:fs';
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

const searchIndex = async (out: string) => ({
  ino: (await stat(path.join(out, 'pagefind'))).ino,
  stamp: await readFile(path.join(out, 'pagefind/pages.sha256'), 'utf8'),
});

// Three whole builds on a busy 2-core machine: a budget, not a wait.
describe('npm run build over its previous site', { timeout: 300_000 }, () => {
  it('takes over the search index when the pages are the same, builds a new one when a record changed, and leaves nothing beside the site', async () => {
    const root = await fixture();
    const parent = await mkdtemp(path.join(tmpdir(), 'ops-hub-rebuild-'));
    const out = path.join(parent, 'site');

    await build(root, out);
    const first = await searchIndex(out);

    await build(root, out);
    expect(await searchIndex(out)).toEqual(first);
    expect(await readdir(parent)).toEqual(['site']);

    const file = path.join(root, 'inventory/services/registry.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('title: Container registry', 'title: Harbor registry'));
    await build(root, out);
    const third = await searchIndex(out);
    expect(third.ino).not.toBe(first.ino);
    expect(third.stamp).not.toBe(first.stamp);
    expect(await readFile(path.join(out, 'services/registry/index.html'), 'utf8')).toContain('Harbor registry');
    expect(existsSync(path.join(out, 'api/records/registry.json'))).toBe(true);
    expect(await readdir(parent)).toEqual(['site']);
  });
});
