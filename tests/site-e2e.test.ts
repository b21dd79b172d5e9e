/// <reference lib="dom" />
// Code passed to page.evaluate runs in the browser.
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openInventory } from '../src/inventory.ts';
import { directorySource } from '../src/load/source.ts';
import { KINDS } from '../src/model/kinds.ts';
import { kindSlug } from '../src/views/paths.ts';
import { topologyOf } from '../src/views/topology.ts';
import { REPO_ROOT } from './helpers/fixture.ts';
import { buildAndServe, type BuiltSite } from './helpers/site.ts';
import { chromiumForFile } from './helpers/chromium.ts';

const require = createRequire(import.meta.url);
const NOW = '2026-11-22T00:00:00Z';
const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');

let site: BuiltSite;
const browser = chromiumForFile();

beforeAll(async () => {
  site = await buildAndServe(REPO_ROOT, { base: '/ops-hub/', now: NOW, repoUrl: 'https://git.example.test/railiance/ops-hub/src/branch/main' });
  await mkdir(ARTIFACTS, { recursive: true });
}, 180_000);

afterAll(async () => {
  await site?.stop();
});

/** How long a wait for a condition may take on a loaded 2-core machine before the test fails. */
const WAIT = { timeout: 15_000 };

/**
 * A page that records console errors, page errors, failed and off-host
 * requests, and counts the requests in flight: `settled()` waits until none
 * is, so leaving the page cannot abort one (an aborted request is a failure).
 */
async function watchedPage(options: { javaScriptEnabled?: boolean; colorScheme?: 'light' | 'dark' } = {}) {
  const context = await browser().newContext({
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    viewport: { width: 1280, height: 900 },
    colorScheme: options.colorScheme ?? 'light',
  });
  const page = await context.newPage();
  const problems: string[] = [];
  const origin = new URL(site.url).origin;
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  let inFlight = 0;
  page.on('requestfinished', () => inFlight--);
  page.on('requestfailed', (r) => {
    inFlight--;
    problems.push(`failed: ${r.url()} (${r.failure()?.errorText})`);
  });
  page.on('request', (r) => {
    inFlight++;
    if (!r.url().startsWith(origin) && !r.url().startsWith('data:')) problems.push(`off-host: ${r.url()}`);
  });
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  const settled = () => expect.poll(() => inFlight, WAIT).toBe(0);
  return { page, problems, settled, close: () => context.close() };
}

async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const result = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: Array<{ id: string; impact: string; nodes: unknown[] }> }> } }).axe;
    return axe.run(document, { resultTypes: ['violations'] });
  });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => (n as { target: string[] }).target.join(' ')).slice(0, 3).join(' | ')}`);
}

describe('the site in a real browser', { timeout: 90_000 }, () => {
  it('leads from home to an environment, a service, its gate and the runbook, by clicking links', async () => {
    const { page, problems, close } = await watchedPage();
    await page.goto(site.url);
    // page.url() follows a navigation only once it committed: wait for the new page to have loaded, never read the URL right after a click.
    await page.getByRole('link', { name: 'Railiance01', exact: true }).first().click();
    await page.waitForURL('**/ops-hub/environments/railiance01/', WAIT);
    await page.getByRole('link', { name: 'Inter-Hub', exact: true }).first().click();
    await page.waitForURL('**/ops-hub/services/inter-hub/', WAIT);
    await page.locator('section', { hasText: 'What concerns it' }).getByRole('link', { name: /production bootstrap API/i }).first().click();
    await page.waitForURL('**/ops-hub/gates/inter-hub-production-api/', WAIT);
    expect(await page.getByText('Effective status').first().textContent()).toContain('failed');
    await page.getByRole('link', { name: /bootstrap runbook/i }).first().click();
    await page.waitForURL('**/ops-hub/runbooks/ops-hub-bootstrap/', WAIT);
    expect(await page.locator('.markdown h2, .markdown h1').count()).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    await close();
  });

  it('search finds a record', async () => {
    const { page, problems, settled, close } = await watchedPage();
    await page.goto(`${site.url}search/?q=registry`);
    const result = page.locator('.pagefind-ui__result-link', { hasText: /registry/i }).first();
    await result.waitFor(WAIT);
    // Pagefind still fetches the other results' fragments: following a link now would abort them.
    await settled();
    await result.click();
    await page.waitForURL(/\/ops-hub\/(endpoints|services|gates)\//, WAIT);
    expect(problems).toEqual([]);
    await close();
  });

  // One test per page: each has its own time budget, and a failure names the page.
  it.each(['', 'topology/', 'topology/coulombcore/', 'gates/', 'migration-waves/coulombcore-to-threephoenix/', 'backups/',
    'risks/', 'services/', 'services/gitea/', 'gates/gitea-registry/', 'runbooks/ops-hub-bootstrap/', 'endpoints/gitea-registry-v2/', 'runbooks/', 'search/',
  ])('has no serious accessibility violations on /%s', async (p) => {
    const { page, close } = await watchedPage();
    await page.goto(`${site.url}${p}`);
    expect(await axeViolations(page)).toEqual([]);
    await close();
  });

  it('follows the system theme, light or dark, and starts keyboard users at "Skip to content"', async () => {
    const backgrounds: string[] = [];
    for (const colorScheme of ['light', 'dark'] as const) {
      const { page, problems, close } = await watchedPage({ colorScheme });
      await page.goto(site.url);
      backgrounds.push(await page.evaluate(() => getComputedStyle(document.body).backgroundColor));
      const focused = () => page.evaluate(() => document.activeElement?.textContent?.trim());
      await page.keyboard.press('Tab');
      await expect.poll(focused, WAIT).toBe('Skip to content');
      // Following the link is a navigation, even within the page: wait for it instead of reading the URL at once.
      await page.keyboard.press('Enter');
      await page.waitForURL(/#main$/, WAIT);
      // The next Tab starts from the main content, past the site navigation.
      await page.keyboard.press('Tab');
      await expect.poll(() => page.evaluate(() => document.activeElement?.closest('main')?.id), WAIT).toBe('main');
      expect(problems).toEqual([]);
      await close();
    }
    expect(backgrounds).toEqual(['rgb(251, 251, 250)', 'rgb(17, 20, 24)']);
  });

  it('filters and sorts a record table', async () => {
    const { page, problems, close } = await watchedPage();
    await page.goto(`${site.url}services/`);
    const rows = page.locator('table[data-table-tools] tbody tr');
    const total = await rows.count();
    const visibleIds = () => page.locator('table[data-table-tools] tbody tr:not([hidden]) th code').allTextContents();
    await page.getByLabel('Filter').fill('gitea');
    await expect.poll(visibleIds, WAIT).toContain('gitea');
    const shown = await visibleIds();
    expect(shown.length).toBeLessThan(total);
    await expect.poll(() => page.locator('.table-tools output').textContent(), WAIT).toBe(`${shown.length} of ${total} records`);
    await page.getByLabel('Filter').fill('');
    await expect.poll(async () => (await visibleIds()).length, WAIT).toBe(total);

    const header = page.locator('table[data-table-tools] thead th').first();
    await header.getByRole('button').click();
    await expect.poll(() => header.getAttribute('aria-sort'), WAIT).toBe('ascending');
    const titles = () => page.locator('table[data-table-tools] tbody tr th a').allTextContents();
    const ascending = await titles();
    const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
    expect(ascending).toEqual([...ascending].sort(collator.compare));
    await header.getByRole('button').press('Enter');
    await expect.poll(() => header.getAttribute('aria-sort'), WAIT).toBe('descending');
    expect(await titles()).toEqual([...ascending].reverse());
    expect(problems).toEqual([]);
    await close();
  });

  it('shows tables and diagrams with JavaScript disabled, and saves screenshots', async () => {
    const { page, problems, close } = await watchedPage({ javaScriptEnabled: false });
    await page.goto(site.url);
    await page.screenshot({ path: path.join(ARTIFACTS, 'home.png'), fullPage: true });
    await page.goto(`${site.url}gates/`);
    expect(await page.locator('table tbody tr').count()).toBe(10);
    await page.goto(`${site.url}services/`);
    expect(await page.locator('table tbody tr').count()).toBeGreaterThan(10);
    expect(await page.locator('input[type="search"], button.sort').count()).toBe(0);
    await page.goto(`${site.url}topology/`);
    expect(await page.locator('figure.diagram svg [id*="-flowchart-"]').count()).toBeGreaterThan(10);
    await page.screenshot({ path: path.join(ARTIFACTS, 'topology.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${site.url}services/gitea/`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(problems).toEqual([]);
    await close();
  });
});

describe('the built files', () => {
  async function htmlFiles(dir: string): Promise<string[]> {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile() && e.name.endsWith('.html')).map((e) => path.join(e.parentPath, e.name));
  }

  it('ship JavaScript only on the search page and the record tables it enhances, and request no other host', async () => {
    const files = await htmlFiles(site.out);
    expect(files.length).toBeGreaterThan(60);
    const enhanced = new Set(KINDS.filter((k) => k !== 'readiness-gate').map((k) => `${kindSlug(k)}/index.html`));
    for (const file of files) {
      const html = await readFile(file, 'utf8');
      const rel = path.relative(site.out, file);
      if (enhanced.has(rel)) expect(html, rel).toMatch(/<script/i);
      else if (rel !== 'search/index.html') expect(html, rel).not.toMatch(/<script/i);
      expect(html, rel).not.toMatch(/<(?:link|script|img)[^>]+(?:href|src)="(?:https?:)?\/\//i);
      expect(html, rel).not.toMatch(/@import/);
    }
  });

  it('keep record pages under 30 KB', async () => {
    for (const dir of ['services', 'gates', 'runbooks', 'risks', 'environments']) {
      for (const file of await htmlFiles(path.join(site.out, dir))) {
        expect((await stat(file)).size, file).toBeLessThanOrEqual(30_000);
      }
    }
  });

  it('draw every node and edge of the topology model in the SVG', async () => {
    const { graph } = await openInventory(directorySource(REPO_ROOT), { now: Date.parse(NOW) });
    for (const [page, options] of [['topology/index.html', {}], ['topology/coulombcore/index.html', { environment: 'coulombcore' }]] as const) {
      const html = await readFile(path.join(site.out, page), 'utf8');
      // Filled in after Astro rendered the page (diagram-fill.ts): the SVG, and no placeholder left.
      expect(html).not.toContain('ops-hub:diagram');
      // Titles read as written: "net-kingdom-pg (CNPG)", not mermaid's unexpanded entity codes.
      expect(html).not.toMatch(/ﬂ°|¶ß/);
      const topology = topologyOf(graph, options);
      const key = new Map(topology.nodes.map((n, i) => [n.id, `n${i}`]));
      for (const node of topology.nodes) {
        expect(html, `${page}: node ${node.id}`).toMatch(new RegExp(`id="[^"]*-flowchart-${key.get(node.id)}-\\d+"`));
        expect(html, `${page}: link to ${node.id}`).toContain(`/${node.id}/"`);
      }
      for (const edge of topology.edges) {
        expect(html, `${page}: edge ${edge.from} → ${edge.to}`).toContain(`L_${key.get(edge.from)}_${key.get(edge.to)}_`);
      }
      expect(topology.edges.length).toBeGreaterThan(3);
    }
    const estate = await readFile(path.join(site.out, 'topology/index.html'), 'utf8');
    expect(estate).toContain(`service: ${graph.get('net-kingdom-pg')!.data.title}`);
  });

  it('link record files to the repository web UI and show git history', async () => {
    const html = await readFile(path.join(site.out, 'services/gitea/index.html'), 'utf8');
    expect(html).toContain('href="https://git.example.test/railiance/ops-hub/src/branch/main/inventory/services/gitea.yaml"');
    expect(html).toMatch(/<h2[^>]*>History<\/h2>\s*<ul>\s*<li>\s*<time/);
  });
});
