import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagramPlaceholder, fillDiagrams } from '../src/site/diagram-fill.ts';

async function siteWith(pages: Record<string, string>): Promise<string> {
  const out = await mkdtemp(path.join(tmpdir(), 'ops-hub-fill-'));
  for (const [page, html] of Object.entries(pages)) {
    await mkdir(path.join(out, path.dirname(page)), { recursive: true });
    await writeFile(path.join(out, page), html);
  }
  return out;
}

const page = (name: string) => `<html><body><figure>${diagramPlaceholder(name)}</figure><p>after</p></body></html>`;

describe('filling laid-out diagrams into their pages', () => {
  it('puts each SVG where its placeholder was, on the estate page and on each environment page', async () => {
    const out = await siteWith({ 'topology/index.html': page('estate'), 'topology/prod/index.html': page('prod') });
    await fillDiagrams(out, new Map([['estate', '<svg id="estate"></svg>'], ['prod', '<svg id="prod"></svg>']]));
    expect(await readFile(path.join(out, 'topology/index.html'), 'utf8')).toBe('<html><body><figure><svg id="estate"></svg></figure><p>after</p></body></html>');
    expect(await readFile(path.join(out, 'topology/prod/index.html'), 'utf8')).toContain('<figure><svg id="prod"></svg></figure>');
    // Swapped in whole: no temporary file left beside the page.
    expect(await readdir(path.join(out, 'topology/prod'))).toEqual(['index.html']);
  });

  it('keeps replacement patterns in an SVG as they are', async () => {
    const out = await siteWith({ 'topology/index.html': page('estate') });
    await fillDiagrams(out, new Map([['estate', "<svg><text>$& $' $1</text></svg>"]]));
    expect(await readFile(path.join(out, 'topology/index.html'), 'utf8')).toContain("<svg><text>$& $' $1</text></svg>");
  });

  it('refuses a page without its placeholder, or with it twice, naming the page and the diagram', async () => {
    const missing = await siteWith({ 'topology/prod/index.html': '<html></html>' });
    await expect(fillDiagrams(missing, new Map([['prod', '<svg></svg>']]))).rejects.toThrow(/topology\/prod\/index\.html: expected the placeholder of diagram "prod" once/);
    const twice = await siteWith({ 'topology/index.html': page('estate') + diagramPlaceholder('estate') });
    await expect(fillDiagrams(twice, new Map([['estate', '<svg></svg>']]))).rejects.toThrow(/diagram "estate" once/);
    const noPage = await siteWith({});
    await expect(fillDiagrams(noPage, new Map([['gone', '<svg></svg>']]))).rejects.toThrow(/ENOENT/);
  });
});
