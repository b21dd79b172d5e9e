import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderMermaid, startLayout } from '../src/site/mermaid-svg.ts';
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

  it('starts Chromium ahead only for an inventory with no diagram cached', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'ops-hub-diagrams-'));
    const cold = startLayoutIfCold({ root });
    expect(cold).toBeDefined();
    await cold!.close();
    await mkdir(path.join(root, '.cache', 'diagrams'), { recursive: true });
    await writeFile(path.join(root, '.cache', 'diagrams', 'cached.svg'), '<svg></svg>');
    expect(startLayoutIfCold({ root })).toBeUndefined();
  });

  it('names the diagram that does not parse', async () => {
    await expect(renderMermaid(new Map([['broken', 'flowchart LR\n  a[[[ -->']]), { browser: browser() })).rejects.toThrow('diagram "broken" does not render');
  });
});
