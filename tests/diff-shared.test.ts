import { execFile } from 'node:child_process';
import { chmod, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareInventories } from '../src/diff/change-set.ts';
import { checkInventory, modelAndGraph, openInventory, type InventoryModel, type OpenedInventory } from '../src/inventory.ts';
import { gitSource } from '../src/load/git-source.ts';
import { fileParseCache } from '../src/load/parse-cache.ts';
import { directorySource, type InventorySource } from '../src/load/source.ts';
import { fixture, NOW, REPO_ROOT } from './helpers/fixture.ts';

/**
 * diff opens its head first, through validate's record cache read-only, and
 * builds the base from the head's files where the blob is the same
 * (loader.ts `reuse`), loading and modelling only what the change touched.
 * Both must come out exactly as opened on their own: the same records, files
 * and diagnostics (file:line:col), and the same change set.
 */

const run = promisify(execFile);
const inRepo = (dir: string, ...args: string[]) => run('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args]);

/**
 * The minimal fixture with the broken records and a YAML syntax error as
 * `base`; `head` changes valid, invalid and broken files alike and, with
 * `newOwner`, adds to the owners registry the owner of a file neither side changes.
 */
async function changedRepo(newOwner: boolean): Promise<string> {
  const dir = await fixture();
  await cp(path.join(REPO_ROOT, 'tests/fixtures/broken'), dir, { recursive: true });
  await cp(path.join(REPO_ROOT, 'tests/fixtures/yaml/keys-duplicate.yaml'), path.join(dir, 'inventory/hosts/dup-keys.yaml'));
  // Owned by a repo the base's owners registry lacks and the head's adds: one file, valid on one side only.
  await writeFile(
    path.join(dir, 'inventory/hosts/enabled.yaml'),
    'id: enabled\ntitle: Enablement host\nowner: railiance-enablement\npolicyScope: ops-threephoenix\nstatus: planned\nenvironment: prod-new\n',
  );
  await writeFile(path.join(dir, '.gitignore'), '.cache/\n');
  await inRepo(dir, 'init', '-q', '-b', 'main');
  await inRepo(dir, 'add', '-A');
  await inRepo(dir, 'commit', '-q', '-m', 'base');
  await inRepo(dir, 'tag', 'base');
  const edit = async (file: string, change: (text: string) => string) => writeFile(path.join(dir, file), change(await readFile(path.join(dir, file), 'utf8')));
  await edit('inventory/services/git.yaml', (t) => t.replace('status: active', 'status: degraded'));
  await edit('inventory/hosts/typo-field.yaml', (t) => `${t}anotherTypo: 1\n`);
  await edit('inventory/hosts/missing-title.yaml', (t) => t.replace(/^id: (.*)$/m, 'id: $1\ntitle: Now titled'));
  await rm(path.join(dir, 'inventory/releases/git-1-22.yaml'));
  if (newOwner) await edit('inventory/owners.yaml', (t) => `${t}- id: railiance-enablement\n  title: Enablement\n  layer: S4\n`);
  await writeFile(
    path.join(dir, 'inventory/hosts/new-server.yaml'),
    'id: new-server\ntitle: New server\nowner: railiance-infra\npolicyScope: ops-threephoenix\nstatus: planned\nenvironment: prod-new\n',
  );
  await inRepo(dir, 'add', '-A');
  await inRepo(dir, 'commit', '-q', '-m', 'head');
  await inRepo(dir, 'tag', 'head');
  return dir;
}

/** A cache with nothing in it: keys are worked out, nothing is known. */
const emptyCache = async () => fileParseCache(await mkdtemp(path.join(tmpdir(), 'ops-hub-empty-')));

/** Everything a diagnostic says, and the records and files as modelled. */
function outcome(opened: OpenedInventory) {
  return {
    diagnostics: opened.diagnostics.map((d) => ({ ...d })),
    records: opened.modelled.records.map((r) => ({ id: r.id, kind: r.kind, file: r.file, key: r.key, data: r.data, body: r.body })),
    files: opened.modelled.files.map((f) => ({ file: f.file, key: f.key, data: f.data, body: f.body, bodyLine: f.bodyLine })),
  };
}

const HEADS: Array<[string, (repo: string) => Promise<InventorySource>]> = [
  ['head from git', (r) => gitSource(r, 'head')],
  ['head as the working tree', async (r) => directorySource(r)],
];

describe("diff's base shares the head's unchanged files and is the same base", () => {
  const repos = new Map<boolean, string>();
  beforeAll(async () => {
    for (const newOwner of [false, true]) repos.set(newOwner, await changedRepo(newOwner));
  });

  it.each(HEADS.flatMap(([name, source]) => [false, true].map((newOwner) => [`${name}${newOwner ? ', the head adds an owner' : ''}`, source, newOwner] as const)))(
    '%s',
    async (_name, headSource, newOwner) => {
      const repo = repos.get(newOwner)!;
      // As after validate of the head: the record cache on disk knows the head's files; diff reads it, never writes it.
      const validated = await fileParseCache(repo);
      await openInventory(await headSource(repo), { now: NOW, cache: validated });
      await validated.save();
      const cacheFile = path.join(repo, '.cache/records-v3.json');
      const written = await readFile(cacheFile, 'utf8');
      const cache = await fileParseCache(repo, { readOnly: true });
      const head = await openInventory(await headSource(repo), { now: NOW, cache });
      const shared = await modelAndGraph(await gitSource(repo, 'base'), { now: NOW, cache, reuse: head.modelled });
      await cache.save();
      expect(await readFile(cacheFile, 'utf8')).toBe(written);
      // The reference: the base on its own, with a cache of its own that starts empty.
      const alone = await modelAndGraph(await gitSource(repo, 'base'), { now: NOW, cache: await emptyCache() });

      expect(outcome(head)).toStrictEqual(outcome(await openInventory(await headSource(repo), { now: NOW, cache: await emptyCache() })));
      expect(outcome(checkInventory(shared))).toStrictEqual(outcome(checkInventory(alone)));
      const diff = (base: InventoryModel) => compareInventories(base, head, () => checkInventory(base).diagnostics);
      expect(diff(shared)).toStrictEqual(diff(alone));
      expect(diff(shared).records.map((r) => `${r.status} ${r.id}`)).toEqual([...(newOwner ? ['added enabled'] : []), 'changed git', 'removed git-1-22', 'added new-server']);

      // It did share: every unchanged file without a diagnostic, and nothing else.
      const headFiles = new Set(head.modelled.files);
      const sharedFiles = shared.modelled.files.filter((f) => headFiles.has(f)).map((f) => f.file);
      expect(sharedFiles).toEqual(expect.arrayContaining(['inventory/services/registry.yaml', 'inventory/runbooks/restore-git.md', 'gates/stale-gate.yaml']));
      // Changed, or with a diagnostic of the loader's (a syntax error) or the schema's.
      for (const file of ['inventory/services/git.yaml', 'inventory/hosts/typo-field.yaml', 'inventory/hosts/missing-title.yaml', 'inventory/hosts/dup-keys.yaml', 'inventory/risks/loose.yaml']) {
        expect(sharedFiles, file).not.toContain(file);
      }
      // A shared file's record is shared too, unless the vocabulary it is judged against differs.
      expect(sharedFiles.includes('inventory/hosts/enabled.yaml')).toBe(newOwner);
      const headRecords = new Set(head.modelled.records);
      const sharedRecords = shared.modelled.records.filter((r) => headRecords.has(r)).length;
      if (newOwner) expect(sharedRecords).toBe(0);
      else expect(sharedRecords).toBe(shared.modelled.records.filter((r) => sharedFiles.includes(r.file)).length);
    },
  );
});

describe("a git head's positions come a folder at a time", () => {
  it('diagnostics in many files of one folder read that folder in one git process, at the same lines as the working tree', async () => {
    // Gates stated passed without evidence, and hosts in an environment nobody declares: check diagnostics,
    // whose positions are looked up while the checks run, in files the record cache spared reading.
    const gates = Array.from({ length: 6 }, (_, i) => [
      `gates/claimed-${i}.yaml`,
      `id: claimed-${i}\ntitle: Claimed ${i}\nowner: railiance-platform\npolicyScope: ops-backup-retention\nstatus: passed\nwave: old-to-new\n` +
        `requirement: Claimed without evidence.\nrequires:\n  - name: proof\n    description: some proof\n    maxAge: P30D\n`,
    ]);
    const hosts = Array.from({ length: 4 }, (_, i) => [
      `inventory/hosts/stray-${i}.yaml`,
      `id: stray-${i}\ntitle: Stray ${i}\nowner: railiance-infra\npolicyScope: ops-threephoenix\nstatus: planned\nenvironment: nowhere\n`,
    ]);
    const repo = await fixture(Object.fromEntries([...gates, ...hosts, ['.gitignore', '.cache/\n']]));
    await inRepo(repo, 'init', '-q', '-b', 'main');
    await inRepo(repo, 'add', '-A');
    await inRepo(repo, 'commit', '-q', '-m', 'claims');
    // As after validate of the checkout: the record cache knows every blob, so the git head reads none of them to load.
    const validated = await fileParseCache(repo);
    const tree = await openInventory(directorySource(repo), { now: NOW, cache: validated });
    await validated.save();

    // Every git process the head starts, logged by a stand-in that runs the real git.
    const shim = await mkdtemp(path.join(tmpdir(), 'ops-hub-git-shim-'));
    const log = path.join(shim, 'calls');
    const realGit = (await run('sh', ['-c', 'command -v git'])).stdout.trim();
    await writeFile(path.join(shim, 'git'), `#!/bin/sh\necho "$*" >> '${log}'\nexec '${realGit}' "$@"\n`);
    await chmod(path.join(shim, 'git'), 0o755);
    const searchPath = process.env.PATH;
    process.env.PATH = `${shim}${path.delimiter}${searchPath}`;
    let head: OpenedInventory;
    try {
      head = await openInventory(await gitSource(repo, 'HEAD'), { now: NOW, cache: await fileParseCache(repo, { readOnly: true }) });
    } finally {
      process.env.PATH = searchPath;
    }

    const where = (d: { file: string; line: number; col: number; code: string }) => `${d.file}:${d.line}:${d.col} ${d.code}`;
    expect(head.diagnostics.map(where)).toEqual(tree.diagnostics.map(where));
    const claimed = head.diagnostics.filter((d) => /claimed-|stray-/.test(d.file));
    expect(new Set(claimed.map((d) => d.file)).size).toBe(10);
    expect(claimed.every((d) => d.line > 1), 'each at its field, not at the top of the file').toBe(true);
    // The loader's one batch (--buffer) for the files it reads by name; then one process per folder with a diagnostic.
    const calls = (await readFile(log, 'utf8')).trim().split('\n').filter((c) => c.includes('cat-file') && !c.includes('--buffer'));
    const folders = new Set(head.diagnostics.map((d) => path.posix.dirname(d.file)));
    expect(calls.length).toBeLessThanOrEqual(folders.size);
    expect(calls.length).toBeGreaterThan(0);
  });
});
