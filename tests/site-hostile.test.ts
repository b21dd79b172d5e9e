import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, MINIMAL } from './helpers/fixture.ts';
import { buildAndServe, type BuiltSite } from './helpers/site.ts';
import { chromiumForFile } from './helpers/chromium.ts';

const EVIL_TITLE = 'Evil "svc" <script>alert(1)</script> ]] --> n0{{x}} click n0 call alert(1)';
const EVIL_BODY = [
  '# Restore',
  '<script>alert("body")</script>',
  '[click me](javascript:alert(1))',
  '<a href="#" onclick="alert(2)">handler</a>',
  '<img src="x" onerror="alert(3)">',
  '![remote](https://evil.example.test/pixel.png)',
  '<iframe src="https://evil.example.test/"></iframe>',
  '<style>body{display:none}</style>',
].join('\n\n');

let site: BuiltSite;
const browser = chromiumForFile();

beforeAll(async () => {
  const git = (await readFile(path.join(MINIMAL, 'inventory/services/git.yaml'), 'utf8'))
    .replace('title: Git hosting', `title: '${EVIL_TITLE.replace(/'/g, "''")}'`)
    .replace('category: application', `category: application\ndescription: '<img src=x onerror=alert(4)> & "quotes"'`);
  const runbook = (await readFile(path.join(MINIMAL, 'inventory/runbooks/restore-git.md'), 'utf8')).replace(/---\n# Restore[\s\S]*$/, `---\n${EVIL_BODY}\n`);
  // A shorter max age makes the registry gate go stale three days after this build's "now".
  const endpoint = (await readFile(path.join(MINIMAL, 'inventory/endpoints/registry-v2.yaml'), 'utf8')).replace('maxAge: P30D', 'maxAge: P14D');
  const root = await fixture({ 'inventory/services/git.yaml': git, 'inventory/runbooks/restore-git.md': runbook, 'inventory/endpoints/registry-v2.yaml': endpoint });
  site = await buildAndServe(root, { base: '/', now: '2026-07-01T00:00:00Z' });
}, 180_000);

afterAll(async () => {
  await site?.stop();
});

describe('evidence that ages', () => {
  it('shows on the home page which gates go stale within 7 days, and on a gate page the age of its evidence', async () => {
    const home = await (await fetch(site.url)).text();
    expect(home).toMatch(/Gates going stale within 7 days<\/h2>[\s\S]*?registry-ready\/"[^>]*>Registry reproducible<\/a> — goes stale on 2026-07-04 \(in 3 d\)/);
    const gate = await (await fetch(`${site.url}gates/registry-ready/`)).text();
    expect(gate).toContain('<td>2026-06-20T08:00:00Z (10 d)</td>');
    expect(gate).toContain('expires in 3 d');
  });
});

describe('hostile strings in the inventory', () => {
  it('are escaped in record pages', async () => {
    const html = await readFile(path.join(site.out, 'services/git/index.html'), 'utf8');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('are sanitized out of runbook Markdown', async () => {
    const html = await readFile(path.join(site.out, 'runbooks/restore-git/index.html'), 'utf8');
    const body = html.slice(html.indexOf('class="markdown"'));
    expect(body).not.toMatch(/<script|<iframe|<style|javascript:|onclick|onerror|evil\.example/i);
    expect(body).toContain('handler');
    expect(body).toContain('click me');
  });

  it('cannot break the diagram syntax or inject markup into the SVG', async () => {
    const html = await readFile(path.join(site.out, 'topology/index.html'), 'utf8');
    const svg = html.slice(html.indexOf('<svg'), html.indexOf('</svg>'));
    expect(svg).not.toMatch(/<script|javascript:|onerror|onclick/i);
    // The title is one node label; the injected "n0{{x}}" and "click … call" did not become syntax.
    // Shown as the text it is (the SVG's markup escapes < and > once), no entity code left unexpanded.
    expect(svg).toContain('Evil "svc" &lt;script&gt;alert(1)&lt;/script&gt; ]] --&gt; n0{{x}} click n0 call alert(1)');
    expect(svg).not.toMatch(/ﬂ°|¶ß/);
    expect(svg.match(/-flowchart-n\d+-/g)!.length).toBe(new Set(svg.match(/-flowchart-n\d+-/g)).size);
  });

  it('run no script and fire no dialog in the browser', async () => {
    const page = await browser().newPage();
    const problems: string[] = [];
    page.on('dialog', (d) => {
      problems.push(d.message());
      void d.dismiss();
    });
    page.on('request', (r) => {
      if (!r.url().startsWith(new URL(site.url).origin) && !r.url().startsWith('data:')) problems.push(r.url());
    });
    for (const p of ['services/git/', 'runbooks/restore-git/', 'topology/', 'services/']) {
      await page.goto(`${site.url}${p}`);
      await page.mouse.move(300, 300);
      await page.mouse.move(600, 400);
    }
    expect(problems).toEqual([]);
    await page.close();
  });
});
