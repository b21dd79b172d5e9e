import { readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openInventory } from '../src/inventory.ts';
import { TOP_FOLDERS } from '../src/load/list-records.ts';
import { fileParseCache } from '../src/load/parse-cache.ts';
import { indexedSource, readTreeIndex, storedResult, type TreeIndex } from '../src/load/tree-index.ts';
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

const stored = async (root: string, key = KEY) => storedResult<string[]>(root, await readTreeIndex(root), key);

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
});
