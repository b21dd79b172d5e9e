import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagramPlaceholder, fillDiagrams } from '../src/site/diagram-fill.ts';
import { diagramViews, environmentDiagram } from '../src/site/prepared-data.ts';
import { openWith } from './helpers/fixture.ts';

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
    const out = await siteWith({ 'topology/index.html': page('estate'), 'topology/prod/index.html': page('environment:prod') });
    await fillDiagrams(out, [
      { name: 'estate', page: 'topology/', svg: '<svg id="estate"></svg>' },
      { name: 'environment:prod', page: 'topology/prod/', svg: '<svg id="prod"></svg>' },
    ]);
    expect(await readFile(path.join(out, 'topology/index.html'), 'utf8')).toBe('<html><body><figure><svg id="estate"></svg></figure><p>after</p></body></html>');
    expect(await readFile(path.join(out, 'topology/prod/index.html'), 'utf8')).toContain('<figure><svg id="prod"></svg></figure>');
    // Swapped in whole: no temporary file left beside the page.
    expect(await readdir(path.join(out, 'topology/prod'))).toEqual(['index.html']);
  });

  it('keeps replacement patterns in an SVG as they are', async () => {
    const out = await siteWith({ 'topology/index.html': page('estate') });
    await fillDiagrams(out, [{ name: 'estate', page: 'topology/', svg: "<svg><text>$& $' $1</text></svg>" }]);
    expect(await readFile(path.join(out, 'topology/index.html'), 'utf8')).toContain("<svg><text>$& $' $1</text></svg>");
  });

  it('refuses a page without its placeholder, or with it twice, naming the page and the diagram', async () => {
    const missing = await siteWith({ 'topology/prod/index.html': '<html></html>' });
    await expect(fillDiagrams(missing, [{ name: 'prod', page: 'topology/prod/', svg: '<svg></svg>' }])).rejects.toThrow(/topology\/prod\/index\.html: expected the placeholder of diagram "prod" once/);
    const twice = await siteWith({ 'topology/index.html': page('estate') + diagramPlaceholder('estate') });
    await expect(fillDiagrams(twice, [{ name: 'estate', page: 'topology/', svg: '<svg></svg>' }])).rejects.toThrow(/diagram "estate" once/);
    const noPage = await siteWith({});
    await expect(fillDiagrams(noPage, [{ name: 'gone', page: 'topology/gone/', svg: '<svg></svg>' }])).rejects.toThrow(/ENOENT/);
  });

  it('gives an environment called "estate" a diagram and a page of its own, apart from the whole estate', async () => {
    const opened = await openWith({
      'inventory/environments/estate.yaml': 'id: estate\ntitle: Estate lab\nrole: Lab\nowner: railiance-infra\npolicyScope: ops-production\nstatus: planned\n',
    });
    expect(opened.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const views = diagramViews(opened.graph, '/');
    expect(new Set(views.map((v) => v.name)).size).toBe(views.length);
    const estate = views.find((v) => v.name === 'estate')!;
    const lab = views.find((v) => v.name === environmentDiagram('estate'))!;
    expect([estate.page, estate.title]).toEqual(['topology/', 'The whole estate']);
    expect([lab.page, lab.title]).toEqual(['topology/estate/', 'Estate lab']);
    const out = await siteWith({ 'topology/index.html': page(estate.name), 'topology/estate/index.html': page(lab.name) });
    await fillDiagrams(out, [
      { name: estate.name, page: estate.page, svg: '<svg id="whole"></svg>' },
      { name: lab.name, page: lab.page, svg: '<svg id="lab"></svg>' },
    ]);
    expect(await readFile(path.join(out, 'topology/index.html'), 'utf8')).toContain('<svg id="whole">');
    expect(await readFile(path.join(out, 'topology/estate/index.html'), 'utf8')).toContain('<svg id="lab">');
  });
});
