import { cp, mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openInventory, type OpenedInventory } from '../../src/inventory.ts';
import { directorySource } from '../../src/load/source.ts';

export const MINIMAL = path.resolve(import.meta.dirname, '../fixtures/minimal');
export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
/** The fixed "now" of the tests; the minimal fixture's evidence is fresh at this moment. */
export const NOW = Date.parse('2026-07-01T00:00:00Z');

/**
 * A copy of the minimal inventory in a temp dir with some files replaced
 * (string) or removed (null): one fixture per check, each breaking one rule.
 */
export async function fixture(changes: Record<string, string | null> = {}): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ops-hub-fixture-'));
  await cp(MINIMAL, dir, { recursive: true });
  for (const [file, content] of Object.entries(changes)) {
    const target = path.join(dir, file);
    if (content === null) await rm(target, { force: true });
    else {
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, content);
    }
  }
  return dir;
}

export async function open(dir: string, now = NOW): Promise<OpenedInventory> {
  return openInventory(directorySource(dir), { now });
}

/** Opens the minimal fixture with `changes` applied. */
export async function openWith(changes: Record<string, string | null>, now = NOW): Promise<OpenedInventory> {
  return open(await fixture(changes), now);
}

export function codes(opened: OpenedInventory): string[] {
  return opened.diagnostics.map((d) => d.code);
}
