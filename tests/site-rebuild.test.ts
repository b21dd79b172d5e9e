import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AstroConfig, AstroIntegration } from 'astro';
import { describe, expect, it } from 'vitest';
import { opsHub } from '../src/site/integration.ts';
import { cli } from './helpers/cli.ts';
import { fixture } from './helpers/fixture.ts';

const NOW = '2026-07-01T00:00:00Z';

/** The same build command and flags each time, into the same output, as a person rebuilding runs it; what it says. */
async function build(root: string, out: string): Promise<string> {
  const result = await cli('build.ts', ['--root', root, '--out', out, '--now', NOW]);
  expect(result.code, result.stderr).toBe(0);
  return result.stdout;
}

const KEPT = 'as the last build left it';

/**
 * Marks what a build left: a file in each of these folders of the site. A
 * rebuild that keeps or takes a folder over keeps the mark; one that makes it
 * again does not. (Inodes cannot tell: a file made again may get the number of
 * one just deleted.)
 */
const MARKED = ['.', 'endpoints/registry-v2', 'pagefind', 'api'] as const;
const MARK = 'ops-hub-test-mark';
async function mark(out: string): Promise<void> {
  for (const folder of MARKED) await writeFile(path.join(out, folder, MARK), '');
}
async function marked(out: string): Promise<Record<(typeof MARKED)[number], boolean>> {
  const entries = await Promise.all(MARKED.map(async (folder) => [folder, await exists(path.join(out, folder, MARK))] as const));
  return Object.fromEntries(entries) as Record<(typeof MARKED)[number], boolean>;
}
const exists = (file: string) => stat(file).then(() => true, () => false);
const ALL = { '.': true, 'endpoints/registry-v2': true, pagefind: true, api: true };
const NONE = { '.': false, 'endpoints/registry-v2': false, pagefind: false, api: false };

// Four whole builds on a busy 2-core machine: a budget, not a wait.
describe('npm run build over its previous site', { timeout: 300_000 }, () => {
  it('keeps the whole site when nothing changed, makes every part again when a record changed, and leaves nothing beside the site', async () => {
    const root = await fixture();
    const parent = await mkdtemp(path.join(tmpdir(), 'ops-hub-rebuild-'));
    const out = path.join(parent, 'site');

    expect(await build(root, out)).not.toContain(KEPT);
    const endpointPage = path.join(out, 'endpoints/registry-v2/index.html');
    const apiRecord = await readFile(path.join(out, 'api/records/registry.json'), 'utf8');
    const firstPage = await readFile(endpointPage, 'utf8');

    await mark(out);
    expect(await build(root, out)).toContain(KEPT);
    expect(await marked(out)).toEqual(ALL);
    expect(await readFile(endpointPage, 'utf8')).toBe(firstPage);
    expect(await readdir(parent)).toEqual(['site']);

    // Evidence ages against another moment: the pages are built again (the
    // search index is taken over only if the pages came out the same).
    const later = await cli('build.ts', ['--root', root, '--out', out, '--now', '2026-07-01T00:00:01Z']);
    expect(later.code, later.stderr).toBe(0);
    expect(later.stdout).not.toContain(KEPT);
    expect({ ...(await marked(out)), pagefind: false }).toEqual(NONE);

    await mark(out);
    const file = path.join(root, 'inventory/services/registry.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('title: Container registry', 'title: Harbor registry'));
    expect(await build(root, out)).not.toContain(KEPT);
    expect(await marked(out)).toEqual(NONE);
    expect(apiRecord).toContain('Container registry');
    expect(await readFile(path.join(out, 'api/records/registry.json'), 'utf8')).toContain('Harbor registry');
    expect(await readFile(path.join(out, 'services/registry/index.html'), 'utf8')).toContain('Harbor registry');
    // A page that only links to the changed record is rendered again too, not copied from the last build.
    expect(firstPage).toContain('Container registry');
    expect(await readFile(endpointPage, 'utf8')).toContain('Harbor registry');
    expect(await readdir(parent)).toEqual(['site']);
  });
});

describe('a site left half-built', { timeout: 300_000 }, () => {
  it('is never kept: a build forgets the last site as soon as it starts to write, and the next one builds anew', async () => {
    const root = await fixture();
    const out = path.join(await mkdtemp(path.join(tmpdir(), 'ops-hub-rebuild-')), 'site');
    await build(root, out);
    expect(await build(root, out)).toContain(KEPT);

    // An Astro build of the same site starts (as astro build or npm run build would) and is cut off before it is done.
    const integration = opsHub({ root, outDir: out, now: NOW }) as AstroIntegration;
    const setup = integration.hooks['astro:config:setup']!;
    await setup({
      config: { base: '/', outDir: pathToFileURL(`${out}/`) } as AstroConfig,
      command: 'build',
      updateConfig: () => ({}) as AstroConfig,
    } as unknown as Parameters<typeof setup>[0]);

    await mark(out);
    expect(await build(root, out)).not.toContain(KEPT);
    expect((await marked(out))['endpoints/registry-v2']).toBe(false);
    expect(await build(root, out)).toContain(KEPT);
  });
});
