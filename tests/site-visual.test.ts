/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The site looked at as a person would (CUST-WP-0025 T18): every page type at
// desktop and phone width, light and dark, checked for sideways scrolling,
// overflowing, clipped, overlapping or letter-by-letter text, and axe
// violations; each screen saved to test-artifacts/screens/ for review.
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openInventory } from '../src/inventory.ts';
import { directorySource } from '../src/load/source.ts';
import { KIND_LAYOUTS } from '../src/model/kinds.ts';
import { kindSlug, recordPath } from '../src/views/paths.ts';
import { gateStatusView } from '../src/views/status.ts';
import { REPO_ROOT } from './helpers/fixture.ts';
import { axeProblems, inspectLayout, layoutProblems } from './helpers/layout-check.ts';
import { buildAndServe, type BuiltSite } from './helpers/site.ts';
import { visualInventory } from './helpers/visual-inventory.ts';
import { chromiumForFile } from './helpers/chromium.ts';

const NOW = '2026-11-22T00:00:00Z';
const SCREENS = path.join(REPO_ROOT, 'test-artifacts/screens');
/**
 * axe runs once per page and theme, at phone width: contrast is the same at
 * both widths, and only there do wide tables become scroll regions that
 * keyboard users must reach. It takes most of the time, so not twice.
 */
const VARIANTS = [
  { width: 1280, height: 800, theme: 'light', axe: false },
  { width: 1280, height: 800, theme: 'dark', axe: false },
  { width: 390, height: 844, theme: 'light', axe: true },
  { width: 390, height: 844, theme: 'dark', axe: true },
] as const;

const root = await visualInventory();
const { graph } = await openInventory(directorySource(root), { now: Date.parse(NOW) });

/**
 * Every page type: home, each kind's index, and per kind the record with the
 * longest title and the one most pointed to (the fullest relations), the
 * pages the layout bug was reported on, topology (estate and one
 * environment), backups and search with results.
 */
const PAGES = [
  ...new Set([
    '',
    ...KIND_LAYOUTS.map((l) => `${kindSlug(l.kind)}/`),
    ...KIND_LAYOUTS.flatMap(({ kind }) => {
      const records = graph.byKind(kind);
      const longest = records.reduce((a, b) => (b.data.title.length > a.data.title.length ? b : a));
      const mostPointedTo = records.reduce((a, b) => (graph.incoming(b.id).length > graph.incoming(a.id).length ? b : a));
      return [longest, mostPointedTo].map((r) => recordPath(r.kind, r.id));
    }),
    'services/gitea/',
    'environments/coulombcore/',
    'runbooks/restore/',
    'clusters/coulombcore-k3s/',
    'gates/gitea-registry/',
    'topology/',
    'topology/coulombcore/',
    'backups/',
    'search/?q=gitea',
  ]),
];

let site: BuiltSite;
const browser = chromiumForFile();

beforeAll(async () => {
  site = await buildAndServe(root, { base: '/ops-hub/', now: NOW });
  await mkdir(SCREENS, { recursive: true });
}, 180_000);

afterAll(async () => {
  await site?.stop();
  await rm(root, { recursive: true, force: true });
});

const screenName = (page: string, width: number, theme: string) =>
  `${page.replace(/\?.*$/, '').replace(/\/$/, '').replaceAll('/', '-') || 'home'}-${width}-${theme}.png`;

describe.each(VARIANTS)('every page at $width px, $theme', ({ width, height, theme, axe }) => {
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    context = await browser().newContext({ viewport: { width, height }, colorScheme: theme });
    page = await context.newPage();
  });
  afterAll(() => context?.close());

  it.each(PAGES)('%s', async (p) => {
    await page.goto(`${site.url}${p}`);
    // Search renders its results with JavaScript: look at them, not at an empty box.
    if (p.startsWith('search/')) await page.locator('.pagefind-ui__result').first().waitFor({ timeout: 15_000 });
    await page.screenshot({ path: path.join(SCREENS, screenName(p, width, theme)), fullPage: true });
    const problems = [...(await layoutProblems(page)), ...(axe ? await axeProblems(page) : [])];
    expect(problems, `/${p} at ${width}×${height}, ${theme}`).toEqual([]);
  }, 60_000);
});

describe('the layout check', () => {
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    context = await browser().newContext({ viewport: { width: 390, height: 844 } });
    page = await context.newPage();
  });
  afterAll(() => context?.close());

  const rulesOf = async () => (await page.evaluate(inspectLayout)).map((p) => p.rule);

  it('fails when the squeezed relations layout is put back', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${site.url}services/gitea/`);
    expect(await layoutProblems(page)).toEqual([]);
    // The layout of issue 14: a label column of max-content beside the links,
    // in cards as narrow as 15rem, leaves the links a letter wide.
    await page.addStyleTag({
      content: `
        section.relations .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); }
        section.relations dl { display: grid; grid-template-columns: minmax(8rem, max-content) 1fr; gap: .25rem 1rem; }
        section.relations dd { margin: 0; overflow-wrap: anywhere; }`,
    });
    const problems = await layoutProblems(page);
    expect(problems.filter((p) => p.startsWith('narrow: ') && p.includes('section.relations'))).not.toEqual([]);
    await page.setViewportSize({ width: 390, height: 844 });
  });

  it('names each kind of defect, and nothing on a page that has none', async () => {
    const cases: Array<[string, string[]]> = [
      ['<p>fine text</p><div style="overflow-x:auto"><table><tr><td style="white-space:nowrap">a wide table scrolls inside its wrapper, on purpose, without moving the page</td></tr></table></div>', []],
      ['<span style="position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)">screen readers only</span><a style="position:absolute;left:-999px" href="#">skip</a>', []],
      ['<svg width="200" height="50"><text x="0" y="20">diagram text</text><text x="5" y="20">overlapping inside the diagram</text></svg>', []],
      ['<div style="width:900px">wider than the phone</div>', ['page-scroll']],
      ['<div style="width:100px;white-space:nowrap">a sentence that does not fit</div>', ['overflow']],
      ['<div style="width:100px;overflow:hidden;white-space:nowrap">a sentence cut off</div>', ['clipped']],
      ['<p style="position:relative">first text</p><p style="position:relative;top:-2.2em">second text</p>', ['overlap']],
      ['<table style="width:200px"><tr><th style="white-space:nowrap">a long label of the row</th><td style="overflow-wrap:anywhere">/services/gitea/</td></tr></table>', ['narrow']],
    ];
    for (const [html, expected] of cases) {
      await page.setContent(`<!doctype html><meta name="viewport" content="width=device-width"><body style="margin:0;font:16px sans-serif;width:390px">${html}</body>`);
      expect([...new Set(await rulesOf())], html).toEqual(expected);
    }
  });
});

describe("a gate's status as a headline", () => {
  it('is the effective one, with the stated one beside it only when they disagree: title, gate tables, what concerns a record', async () => {
    const context = await browser().newContext();
    const page = await context.newPage();
    const text = async (selector: string) => (await page.locator(selector).first().innerText()).replace(/\s+/g, ' ').trim();
    const gates = graph.byKind('readiness-gate');
    const headline = (id: string) => {
      const status = graph.gateStatus(id)!;
      const view = gateStatusView(status.effective);
      return `${view.icon} ${view.label}${status.stated !== status.effective ? ` stated: ${status.stated}` : ''}`;
    };
    // The defect of issue 14 showed on a gate whose record says passed while its evidence is stale.
    expect(gates.some((g) => graph.gateStatus(g.id)!.stated !== graph.gateStatus(g.id)!.effective)).toBe(true);
    for (const gate of gates) {
      await page.goto(`${site.url}${recordPath('readiness-gate', gate.id)}`);
      expect(await text('h1'), gate.id).toBe(`${gate.data.title} ${headline(gate.id)}`);
    }
    await page.goto(`${site.url}gates/`);
    for (const gate of gates) {
      // The status cell: the headline, then when a passed gate goes stale.
      const cell = await text(`tr:has(th a[href$="/gates/${gate.id}/"]) td:nth-of-type(3)`);
      expect(cell.replace(/ goes stale on .*$/, ''), gate.id).toBe(headline(gate.id));
    }
    const concerned = gates.find((g) => graph.gateStatus(g.id)!.stated !== graph.gateStatus(g.id)!.effective)!.data.concerns![0]!;
    await page.goto(`${site.url}${recordPath(graph.get(concerned)!.kind, concerned)}`);
    for (const gate of gates.filter((g) => g.data.concerns?.includes(concerned))) {
      expect(await text(`section:has(> h2:text-is("What concerns it")) li:has(a[href$="/gates/${gate.id}/"])`)).toBe(`${gate.data.title} ${headline(gate.id)}`);
    }
    await context.close();
  });
});

describe('the built record pages', () => {
  it('stay under 30 KB of HTML and ship no JavaScript, with the longest titles', async () => {
    for (const { kind } of KIND_LAYOUTS) {
      const dir = path.join(site.out, kindSlug(kind));
      for (const id of (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name)) {
        const html = await readFile(path.join(dir, id, 'index.html'), 'utf8');
        expect(Buffer.byteLength(html), `${kindSlug(kind)}/${id}/`).toBeLessThanOrEqual(30_000);
        expect(html, `${kindSlug(kind)}/${id}/`).not.toMatch(/<script/i);
      }
    }
  });
});
