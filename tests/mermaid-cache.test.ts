import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderMermaid } from '../src/site/mermaid-svg.ts';

describe('diagram rendering', () => {
  it('reuses an SVG whose source did not change, re-renders the rest, and drops what is gone', async () => {
    const cacheDir = await mkdtemp(path.join(tmpdir(), 'ops-hub-diagrams-'));
    const a = 'flowchart LR\n  a["A"] --> b["B"]';
    const first = await renderMermaid(new Map([['one', a]]), { cacheDir });
    expect(first.get('one')).toContain('<svg');
    const [file] = await readdir(cacheDir);
    expect(await readFile(path.join(cacheDir, file!), 'utf8')).toBe(first.get('one'));

    // A marked cache entry comes back as is: proof it was read, not rendered again.
    await writeFile(path.join(cacheDir, file!), '<svg id="from-cache"></svg>');
    const again = await renderMermaid(new Map([['one', a]]), { cacheDir });
    expect(again.get('one')).toBe('<svg id="from-cache"></svg>');

    const changed = await renderMermaid(new Map([['one', `${a} --> c["C"]`]]), { cacheDir });
    expect(changed.get('one')).toContain('>C<');
    expect(await readdir(cacheDir)).toHaveLength(1);
    expect((await readdir(cacheDir))[0]).not.toBe(file);
  });

  it('names the diagram that does not parse', async () => {
    await expect(renderMermaid(new Map([['broken', 'flowchart LR\n  a[[[ -->']]))).rejects.toThrow('diagram "broken" does not render');
  });
});
