import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSyntheticInventory } from '../scripts/bench/synthetic.ts';
import { openInventory } from '../src/inventory.ts';
import { directorySource } from '../src/load/source.ts';
import { patchConfigCopy, stockMermaid } from '../src/site/mermaid-bundle.ts';
import { renderMermaid, startLayout } from '../src/site/mermaid-svg.ts';
import { diagramViews } from '../src/site/prepared-data.ts';
import { chromiumForFile } from './helpers/chromium.ts';

const REPO = path.resolve(import.meta.dirname, '..');

const browser = chromiumForFile();

async function diagramsOf(label: string, root: string): Promise<Array<[string, string]>> {
  const { graph } = await openInventory(directorySource(root), { now: Date.parse('2026-06-10T00:00:00Z') });
  return diagramViews(graph, '/').map((v) => [`${label}-${v.name}`, v.mermaid]);
}

async function layOut(sources: Map<string, string>, script: Promise<string>): Promise<Map<string, string>> {
  const layout = startLayout({ browser: browser(), script });
  try {
    return await renderMermaid(sources, { layout });
  } finally {
    await layout.close();
  }
}

describe('the mermaid the layouts load', () => {
  it('refuses a mermaid whose getConfig it does not know, saying what to do', () => {
    expect(() => patchConfigCopy('var x=1;')).toThrow(/expected one getConfig to patch, found 0: update the pattern in src\/site\/mermaid-bundle\.ts/);
    const twice = 'a=i(()=>Bh({},Uee),"getConfig");b=i(()=>Bh({},Uee),"getConfig");';
    expect(() => patchConfigCopy(twice)).toThrow(/found 2/);
  });

  it('keeps the "use strict" mermaid opens with first', async () => {
    const stock = await stockMermaid();
    expect(stock.startsWith('"use strict";')).toBe(true);
    expect(patchConfigCopy(stock).startsWith('"use strict";')).toBe(true);
  });

  // Every diagram of the repository's inventory and of a synthetic one (all shapes, gate and risk markers),
  // laid out by mermaid as published and by the patched one: the same SVG, byte for byte.
  it('draws the same SVGs as mermaid as published', { timeout: 300_000 }, async () => {
    const synthetic = await mkdtemp(path.join(tmpdir(), 'ops-hub-synthetic-'));
    await writeSyntheticInventory(synthetic, 200, REPO);
    const sources = new Map([...(await diagramsOf('ours', REPO)), ...(await diagramsOf('synthetic', synthetic))]);
    expect(sources.size).toBe(10);

    const stock = await layOut(sources, stockMermaid());
    const patched = await layOut(sources, stockMermaid().then(patchConfigCopy));
    for (const [name, svg] of stock) {
      expect(svg).toContain('<svg');
      expect(patched.get(name), name).toBe(svg);
    }
  });
});
