import { cp, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { openInventory, type OpenedInventory } from '../src/inventory.ts';
import { TOP_FOLDERS } from '../src/load/list-records.ts';
import { fileParseCache } from '../src/load/parse-cache.ts';
import { parseFile, type ParsedFile, type Parser } from '../src/load/parse-file.ts';
import { directorySource } from '../src/load/source.ts';
import { indexedSource, readTreeIndex } from '../src/load/tree-index.ts';
import { fixture, NOW, REPO_ROOT } from './helpers/fixture.ts';

/**
 * The loader reads plain documents with js-yaml and keeps no positions (the
 * fast path), and everything else with the position-keeping parser (the full
 * path). Both must give the same values, the same problems and, for whole
 * inventories, the same diagnostics at the same file:line:col — over every
 * fixture, good and bad, and over the repository's own inventory.
 */

const FIXTURES = path.join(REPO_ROOT, 'tests/fixtures');
const YAML_CASES = path.join(FIXTURES, 'yaml');

/** Every YAML, Markdown and JSON file under a folder; dot folders (caches) are not fixtures. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && /\.(yaml|md|json)$/.test(e.name) && !path.relative(dir, e.parentPath).split(path.sep).some((p) => p.startsWith('.')))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

const FILES = [...(await filesUnder(FIXTURES)), ...(await filesUnder(path.join(REPO_ROOT, 'tests/golden'))), ...(await filesUnder(path.join(REPO_ROOT, 'inventory'))), ...(await filesUnder(path.join(REPO_ROOT, 'gates'))), path.join(REPO_ROOT, 'seeds/ops-hub-manifest.draft.json')];

async function parseBoth(file: string): Promise<Record<Parser, ParsedFile>> {
  const text = await readFile(file, 'utf8');
  const format = file.endsWith('.md') ? 'markdown' : 'yaml';
  return { fast: parseFile(text, format, 'fast'), full: parseFile(text, format, 'full') };
}

/** What a parse means; positions are compared through the diagnostics below. */
const meaning = ({ positions: _positions, ...rest }: ParsedFile) => rest;

describe('the fast path reads every fixture as the full parser does', () => {
  it.each(FILES.map((f) => [path.relative(REPO_ROOT, f), f]))('%s', async (_name, file) => {
    const { fast, full } = await parseBoth(file);
    expect(meaning(fast)).toStrictEqual(meaning(full));
    // toStrictEqual takes -0 for 0; the values must be the same to the last bit.
    expect(isDeepStrictEqual(meaning(fast), meaning(full))).toBe(true);
  });

  it('takes the fast path for plain records, and leaves to the full parser what it could read differently', async () => {
    const fastOnes = new Set<string>();
    for (const file of await filesUnder(YAML_CASES)) if ((await parseBoth(file)).fast.positions === undefined) fastOnes.add(path.basename(file));
    // Each of these reads the same way in both parsers: js-yaml takes them.
    for (const plain of ['plain-record.yaml', 'scalars-core.yaml', 'strings.yaml', 'blocks.yaml', 'nested-good.yaml', 'flow-one-line.yaml', 'crlf.yaml', 'keys-quoted.yaml', 'record.md', 'list-doc.yaml']) {
      expect(fastOnes, plain).toContain(plain);
    }
    // Each of these holds something the parsers could treat apart, or an error: the full parser reads it.
    for (const other of [
      'anchors.yaml', 'merge-keys.yaml', 'merge-plain.yaml', 'tags.yaml', 'set-omap.yaml', 'multi-doc.yaml', 'directive.yaml', 'keys-non-string.yaml',
      'keys-null-empty.yaml', 'keys-complex.yaml', 'keys-explicit.yaml', 'keys-proto.yaml', 'keys-duplicate.yaml', 'keys-long.yaml', 'flow-multi-line.yaml',
      'flow-bad-indent.yaml', 'scalars-special.yaml', 'tabs.yaml', 'bom.yaml', 'lone-cr.yaml', 'nel.yaml', 'syntax-unclosed-flow.yaml', 'anchor-front-matter.md',
    ]) {
      expect(fastOnes, other).not.toContain(other);
    }
    // The minimal fixture's records all take the fast path (its manifest is JSON over many lines, so it does not).
    for (const file of await filesUnder(path.join(FIXTURES, 'minimal'))) {
      if (!file.endsWith('.json')) expect((await parseBoth(file)).fast.positions, file).toBeUndefined();
    }
  });
});

/** The minimal fixture with the broken records and every YAML case dropped in as a host (Markdown ones as runbooks). */
async function badInventory(): Promise<string> {
  const dir = await fixture();
  await cp(path.join(FIXTURES, 'broken'), dir, { recursive: true });
  for (const file of await filesUnder(YAML_CASES)) {
    const name = path.basename(file).replace(/\.(yaml|md)$/, '');
    const target = file.endsWith('.md') ? `inventory/runbooks/case-${name}.md` : `inventory/hosts/case-${name}.yaml`;
    await cp(file, path.join(dir, target));
  }
  return dir;
}

/** Everything validate prints of a diagnostic, and the records as modelled. */
function outcome(opened: OpenedInventory) {
  return {
    diagnostics: opened.diagnostics.map((d) => ({ ...d })),
    records: opened.modelled.records.map((r) => ({ id: r.id, kind: r.kind, file: r.file, data: r.data, body: r.body })),
    files: opened.modelled.files.map((f) => ({ file: f.file, data: f.data, body: f.body, bodyLine: f.bodyLine })),
  };
}

describe('validate gives the same diagnostics, file:line:col, on both paths', () => {
  const inventories: Array<[string, () => Promise<string>]> = [
    ['the minimal fixture', () => fixture()],
    ['the minimal fixture with every broken record and YAML case', badInventory],
    ['the repository', async () => REPO_ROOT],
  ];

  it.each(inventories)('%s: fast, fast from the caches, and full agree', async (_name, make) => {
    const root = await make();
    const full = outcome(await openInventory(directorySource(root), { now: NOW, parser: 'full' }));
    expect(outcome(await openInventory(directorySource(root), { now: NOW }))).toStrictEqual(full);
    if (root === REPO_ROOT) return; // the repository's own caches are not the test's to write

    // A first run fills the record cache and the tree index; the second knows every file from them and
    // reads only what a diagnostic points into, to find its position.
    for (let run = 0; run < 2; run++) {
      const tree = indexedSource(root, await readTreeIndex(root), TOP_FOLDERS);
      const opened = await openInventory(tree.source, { now: NOW, cache: await fileParseCache(root) });
      await tree.save();
      expect(outcome(opened), `run ${run + 1}`).toStrictEqual(full);
    }
  });

  it('the bad inventory reports at the lines the full parser gives: this test sees positions', async () => {
    const root = await badInventory();
    const full = await openInventory(directorySource(root), { now: NOW, parser: 'full' });
    const at = (file: string, code: string) => full.diagnostics.filter((d) => d.file === file && d.code === code).map((d) => `${d.line}:${d.col}`);
    expect(at('inventory/hosts/typo-field.yaml', 'unknown-field')).toEqual(['11:5']);
    expect(at('inventory/services/bad-ref.yaml', 'unknown-reference')).toEqual(['10:14']);
    expect(at('inventory/runbooks/secret-body.md', 'unknown-reference')).toEqual(['7:17']);
    expect(at('gates/stale-gate.yaml', 'unknown-requirement')).toEqual(['18:5']);
    expect(at('inventory/hosts/case-keys-duplicate.yaml', 'yaml-syntax')).toEqual(['3:1']);
  });
});
