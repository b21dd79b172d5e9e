import { readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openOrRefuse } from '../src/cli/open-or-refuse.ts';
import type { Diagnostic } from '../src/diagnostics/diagnostic.ts';
import { openInventory } from '../src/inventory.ts';
import { TOP_FOLDERS } from '../src/load/list-records.ts';
import { fileParseCache } from '../src/load/parse-cache.ts';
import { indexedSource, previousRun, RACY_MS, readTreeIndex, validationKey, type TreeIndex, type Validation } from '../src/load/tree-index.ts';
import { asciiJson } from '../src/util/json.ts';
import { cli } from './helpers/cli.ts';
import { fixture, NOW } from './helpers/fixture.ts';

const NOW_ISO = new Date(NOW).toISOString();
const KEY = 'the key of a run';
const HOST = 'inventory/hosts/old-server.yaml';

/** A run over the working tree that stores its diagnostics in the tree index, as validate does. */
async function storeRun(root: string): Promise<string[]> {
  const tree = indexedSource(root, await readTreeIndex(root), TOP_FOLDERS);
  const opened = await openInventory(tree.source, { now: NOW, cache: await fileParseCache(root) });
  const codes = opened.diagnostics.map((d) => `${d.file} ${d.code}`);
  await tree.save({ key: KEY, value: codes });
  return codes;
}

const stored = async (root: string, key = KEY) => (await previousRun(root, key)).verdict as unknown as string[] | undefined;

/** Waits until every file under `root` is stamped before the racy window of a run starting now: then a run trusts the stamps it records. */
async function settled(root: string): Promise<void> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const stamps = await Promise.all(entries.filter((e) => e.isFile()).map((e) => stat(path.join(e.parentPath, e.name))));
  const newest = Math.max(...stamps.map((s) => Math.max(s.mtimeMs, s.ctimeMs)));
  while (Date.now() <= newest + RACY_MS) await new Promise((resolve) => setTimeout(resolve, 50));
}

describe('the tree index answers only when nothing a run read has changed', () => {
  it('a one-byte edit, a touch, a rename, an added and a removed file each invalidate it; another key never matches', async () => {
    const root = await fixture();
    const changes: Array<[string, () => Promise<unknown>]> = [
      ['a one-byte edit', async () => writeFile(path.join(root, HOST), (await readFile(path.join(root, HOST), 'utf8')).replace('status: active', 'status: activf'))],
      ['a touch', () => utimes(path.join(root, HOST), new Date(), new Date(Date.now() + 5_000))],
      ['a rename', () => rename(path.join(root, 'inventory/risks/git-no-backup.yaml'), path.join(root, 'inventory/risks/git-unbacked.yaml'))],
      ['an added file', () => writeFile(path.join(root, 'inventory/hosts/new.yaml'), 'id: new\n')],
      ['a removed file', () => rm(path.join(root, 'inventory/hosts/new.yaml'))],
      ['an added dotfile (validate counts them)', () => writeFile(path.join(root, 'gates/.draft.yaml.swp'), 'x')],
      ['a removed top folder', () => rm(path.join(root, 'seeds'), { recursive: true })],
    ];
    for (const [what, change] of changes) {
      const codes = await storeRun(root);
      expect(await stored(root), `before ${what}`).toEqual(codes);
      expect(await stored(root, 'another key'), 'another key').toBeUndefined();
      await change();
      expect(await stored(root), what).toBeUndefined();
    }
  });

  it('a file changed within its timestamp tick is compared by content', async () => {
    const root = await fixture();
    await storeRun(root);
    // A same-size edit that a coarse clock would stamp the same: the index is made to hold the new stamp.
    const file = path.join(root, HOST);
    await writeFile(file, (await readFile(file, 'utf8')).replace('status: active', 'status: activf'));
    const indexFile = path.join(root, '.cache/tree-index-v1.json');
    const index = JSON.parse(await readFile(indexFile, 'utf8')) as TreeIndex;
    const now = await stat(file);
    const stamp = index.files[HOST]!;
    index.files[HOST] = [now.ino, now.size, now.mtimeMs, now.ctimeMs, stamp[4]];
    await writeFile(indexFile, JSON.stringify(index));
    expect(await stored(root)).toBeUndefined();
    // Stamped long before the run, the same file would be trusted by its stamp alone.
    await writeFile(indexFile, JSON.stringify({ ...index, time: Math.max(now.mtimeMs, now.ctimeMs) + 60_000 }));
    expect(await stored(root)).toBeDefined();
  });

  it('validate with --now answers from it, the same as it computed; a change is seen at once', async () => {
    const root = await fixture();
    // Stamps the run can trust: otherwise, once they leave the racy window, the next run stamps them again (restamp).
    await settled(root);
    const validate = () => cli('validate.ts', ['--root', root, '--now', NOW_ISO, '--format', 'json']);
    const indexTime = async () => (JSON.parse(await readFile(path.join(root, '.cache/tree-index-v1.json'), 'utf8')) as TreeIndex).time;
    const first = await validate();
    expect(first.code).toBe(0);
    const written = await indexTime();
    const again = await validate();
    expect(again.stdout).toBe(first.stdout);
    expect(await indexTime(), 'answered from the index, not written again').toBe(written);

    await writeFile(path.join(root, HOST), (await readFile(path.join(root, HOST), 'utf8')).replace('status: active', 'status: activf'));
    const changed = await validate();
    expect(changed.code).toBe(1);
    expect(changed.stdout).toContain('"code": "invalid-field"');
    const rewritten = await indexTime();
    expect(rewritten).toBeGreaterThan(written);
    // Without --now the clock decides how evidence ages: a stored result is never the answer.
    const clock = await cli('validate.ts', ['--root', root, '--format', 'json']);
    expect(clock.stdout).toContain('"code": "invalid-field"');
    expect(await indexTime()).toBeGreaterThan(rewritten);
  });

  it('the commands that open the working tree keep it: at the same --now, with nothing changed, the last verdict stands', async () => {
    const root = await fixture();
    await settled(root);
    const indexFile = path.join(root, '.cache/tree-index-v1.json');
    const open = async (nowGiven: boolean) =>
      openOrRefuse(root, { now: NOW, nowGiven, cache: await fileParseCache(root), refusal: 'refused (expected by the test)' });
    expect(await open(true)).toBeDefined();
    const index = JSON.parse(await readFile(indexFile, 'utf8')) as TreeIndex;
    expect(index.result?.key).toBe(validationKey(NOW));
    // validate at the same --now answers from what the command stored, without writing the index again.
    const validated = await cli('validate.ts', ['--root', root, '--now', NOW_ISO]);
    expect(validated.code).toBe(0);
    expect((JSON.parse(await readFile(indexFile, 'utf8')) as TreeIndex).time).toBe(index.time);

    // A verdict that says "error" where the files say nothing: taken as it stands, so it is the one the command used.
    const planted: Diagnostic = { file: HOST, line: 1, col: 1, severity: 'error', code: 'planted', message: 'planted by the test' };
    const verdict = index.result!.value as Validation;
    await writeFile(indexFile, JSON.stringify({ ...index, result: { ...index.result, value: { ...verdict, diagnostics: [...verdict.diagnostics, planted] } } }));
    expect(await open(true), 'the stored verdict stands').toBeUndefined();
    expect(await open(false), 'without --now the checks run').toBeDefined();
    // Planted again (that run stored no verdict), then a file changes under it.
    await writeFile(indexFile, JSON.stringify({ ...index, result: { ...index.result, value: { ...verdict, diagnostics: [planted] } } }));
    expect(await open(true)).toBeUndefined();
    await writeFile(path.join(root, HOST), (await readFile(path.join(root, HOST), 'utf8')).replace(/^title: .*$/m, 'title: Renamed by the test'));
    expect(await open(true), 'a changed file: the checks run again').toBeDefined();
  });

  it('files known the same only by their content are stamped again, so the next run trusts their stamps', async () => {
    const root = await fixture();
    const key = validationKey(NOW);
    const open = async () => openOrRefuse(root, { now: NOW, nowGiven: true, cache: await fileParseCache(root), refusal: 'refused' });
    // Just copied: every file is stamped within the racy window of this first run.
    expect(await open()).toBeDefined();
    const first = (await readTreeIndex(root))!;
    const newest = Math.max(...Object.values(first.files).flatMap((s) => (s ? [s[2], s[3]] : [])));
    expect(newest).toBeGreaterThanOrEqual(first.time - RACY_MS);
    // Until the clock is past the window, a run would find the files racy again.
    await settled(root);
    const racy = await previousRun(root, key);
    expect(racy.verdict).toBeDefined();
    expect(racy.restamp).toBeTypeOf('function');
    expect(await open()).toBeDefined();
    const stable = await previousRun(root, key);
    expect(stable.verdict).toEqual(racy.verdict);
    expect(stable.restamp, 'stamped again, outside the racy window').toBeUndefined();
    expect((await readTreeIndex(root))!.time).toBeGreaterThan(newest + RACY_MS);

    // validate, answering from the verdict without opening the inventory, stamps them again too.
    const other = await fixture();
    const validate = () => cli('validate.ts', ['--root', other, '--now', NOW_ISO, '--format', 'json']);
    const answer = await validate();
    await settled(other);
    expect((await previousRun(other, key)).restamp).toBeTypeOf('function');
    expect(await validate()).toEqual(answer);
    expect((await previousRun(other, key)).restamp).toBeUndefined();
  });
});

describe('the caches are written in ASCII', () => {
  it('text past ASCII is escaped, and reads back as it was written', async () => {
    const tricky = { 'kéy': ['é — ✓ 😀', '\u2028\u2029', '\u007f\u0000', '\ud800 lone', 'plain "quoted" \\ \n'] };
    const written = asciiJson(tricky);
    expect(written.every((b) => b < 0x80)).toBe(true);
    expect(JSON.parse(written.toString('utf8'))).toEqual(tricky);
    expect(asciiJson({ a: 'plain' }).toString('utf8')).toBe(JSON.stringify({ a: 'plain' }));

    const title = 'Old server — Zürich ✓';
    const root = await fixture();
    await writeFile(path.join(root, HOST), (await readFile(path.join(root, HOST), 'utf8')).replace(/^title: .*$/m, `title: ${title}`));
    await storeRun(root);
    for (const file of ['records-v3.json', 'tree-index-v1.json']) {
      const bytes = await readFile(path.join(root, '.cache', file));
      expect(bytes.every((b) => b < 0x80), `${file} is ASCII`).toBe(true);
    }
    // Read back from the cache: the tree index knows every file, so none is parsed again.
    const tree = indexedSource(root, await readTreeIndex(root), TOP_FOLDERS);
    const again = await openInventory(tree.source, { now: NOW, cache: await fileParseCache(root) });
    expect(again.graph.get('old-server')?.data.title).toBe(title);
  });
});
