import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { layOutEach, renderMermaid, startLayout } from '../src/site/mermaid-svg.ts';
import { startLayoutIfCold } from '../src/site/prepared-data.ts';
import { chromiumForFile } from './helpers/chromium.ts';

const browser = chromiumForFile();

// Laying out a diagram is CPU work in Chromium (seconds each on a busy 2-core machine): a budget, not a wait.
describe('diagram rendering', { timeout: 120_000 }, () => {
  it('reuses an SVG whose source did not change, re-renders the rest, and drops what is gone', async () => {
    const cacheDir = await mkdtemp(path.join(tmpdir(), 'ops-hub-diagrams-'));
    const a = 'flowchart LR\n  a["A"] --> b["B"]';
    const first = await renderMermaid(new Map([['one', a]]), { cacheDir, browser: browser() });
    expect(first.get('one')).toContain('<svg');
    const [file] = await readdir(cacheDir);
    expect(await readFile(path.join(cacheDir, file!), 'utf8')).toBe(first.get('one'));

    // A marked cache entry comes back as is: proof it was read, not rendered again.
    await writeFile(path.join(cacheDir, file!), '<svg id="from-cache"></svg>');
    const again = await renderMermaid(new Map([['one', a]]), { cacheDir, browser: browser() });
    expect(again.get('one')).toBe('<svg id="from-cache"></svg>');

    const changed = await renderMermaid(new Map([['one', `${a} --> c["C"]`]]), { cacheDir, browser: browser() });
    expect(changed.get('one')).toContain('>C<');
    expect(await readdir(cacheDir)).toHaveLength(1);
    expect((await readdir(cacheDir))[0]).not.toBe(file);
  });

  it('lays out on pages started ahead, and leaves them open for their owner', async () => {
    const layout = startLayout({ browser: browser() });
    try {
      const [page] = await layout.pages;
      const svgs = await renderMermaid(new Map([['one', 'flowchart LR\n  a["Ahead"] --> b["B"]']]), { layout });
      expect(svgs.get('one')).toContain('>Ahead<');
      expect(page!.isClosed()).toBe(false);
    } finally {
      await layout.close();
    }
  });

  it('lays each diagram out once, handing each one over as soon as it is laid out', async () => {
    const sources = new Map(Array.from({ length: 12 }, (_, i) => [`d${i}`, `flowchart LR\n  a["Diagram ${i}"] --> b["B"]`] as const));
    const { svgs, done } = layOutEach(sources, { browser: browser() });
    // The first is there while the last is still to be laid out (it would be settled already, were they handed over together).
    expect(await svgs.get('d0')).toContain('>Diagram 0<');
    const last = await Promise.race([svgs.get('d11')!.then(() => 'laid out'), new Promise((resolve) => setImmediate(() => resolve('to come')))]);
    expect(last).toBe('to come');
    await done;
    for (const [name, svg] of svgs) expect(await svg).toContain(`>Diagram ${name.slice(1)}<`);
  });

  it('starts Chromium ahead only for an inventory with no diagram cached', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'ops-hub-diagrams-'));
    const cold = startLayoutIfCold({ root });
    expect(cold).toBeDefined();
    await cold!.close();
    await mkdir(path.join(root, '.cache', 'diagrams'), { recursive: true });
    await writeFile(path.join(root, '.cache', 'diagrams', 'cached.svg'), '<svg></svg>');
    expect(startLayoutIfCold({ root })).toBeUndefined();
  });

  it('names the diagram that does not parse, to whoever waits for any diagram not yet laid out', async () => {
    await expect(renderMermaid(new Map([['broken', 'flowchart LR\n  a[[[ -->']]), { browser: browser() })).rejects.toThrow('diagram "broken" does not render');
    const sources = new Map([['broken', 'flowchart LR\n  a[[[ -->'], ...Array.from({ length: 6 }, (_, i) => [`fine${i}`, `flowchart LR\n  a["${i}"]`] as const)]);
    const { svgs, done } = layOutEach(sources, { browser: browser() });
    await expect(done).rejects.toThrow('diagram "broken" does not render');
    await expect(svgs.get('broken')).rejects.toThrow('diagram "broken" does not render');
    await expect(svgs.get('fine5')).rejects.toThrow('diagram "broken" does not render');
  });
});
