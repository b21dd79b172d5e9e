import { createHash } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { mermaidVersion, patchedMermaid, writeLayoutPage, type LayoutPageFiles } from './mermaid-bundle.ts';

const MERMAID_CONFIG = {
  startOnLoad: false,
  securityLevel: 'strict',
  theme: 'neutral',
  fontFamily: 'system-ui, sans-serif',
  flowchart: { htmlLabels: false, useMaxWidth: true },
  maxEdges: 2000,
  maxTextSize: 200_000,
  // Shapes drawn with rough.js place their path points at random unless seeded: the same diagram gives the same SVG.
  handDrawnSeed: 1,
};

/**
 * Laying out a diagram costs Chromium CPU, and each page loads mermaid (5.5 MB
 * of script) first: one page per core but one, at most four. Astro renders on
 * the core left. On a 2-core machine one page laid 21 diagrams out in 18 s,
 * two pages in 24 s.
 */
const PAGES = Math.max(1, Math.min(4, availableParallelism() - 1));

export interface LayoutOptions {
  /** A running Chromium to lay out on (left open); by default one is launched. */
  browser?: Browser;
  /** The mermaid script the pages load: by default mermaid-bundle.ts's patched mermaid. */
  script?: Promise<string>;
}

export interface RenderOptions extends Pick<LayoutOptions, 'browser'> {
  /** Keeps each SVG by a hash of its source (and of mermaid and its settings): unchanged diagrams are not laid out again. */
  cacheDir?: string;
  /** Pages started ahead (left open); by default they are started, on `browser`, only if a diagram is not cached. */
  layout?: LayoutSession;
}

/** Chromium pages with mermaid loaded, started before the diagrams they will lay out are known. */
export interface LayoutSession {
  readonly pages: Promise<Page[]>;
  /** Closes the pages, and Chromium if the session launched it. */
  close(): Promise<void>;
}

/**
 * Starts Chromium (unless given one) and loads mermaid into one page per
 * core, now: a cold build opens its inventory meanwhile. Playwright is
 * imported here, not up front: it takes a second or more to import, which a
 * build whose diagrams are all cached should not pay.
 */
export function startLayout({ browser, script }: LayoutOptions = {}): LayoutSession {
  const launched = browser ? Promise.resolve(browser) : import('../browser/chromium.ts').then((m) => m.launchChromium());
  const files = writeLayoutPage(script ?? patchedMermaid());
  // A context per page: pages of one context share a renderer process, whose one main thread ran their layouts in turn.
  const contexts = Promise.all([launched, files]).then(([b, f]) =>
    Promise.all(
      Array.from({ length: PAGES }, async () => {
        const c = await b.newContext();
        await offline(c, f);
        return c;
      }),
    ),
  );
  const pages = Promise.all([contexts, files]).then(([cs, f]) => Promise.all(cs.map((c) => mermaidPage(c, f))));
  // A failure is thrown to whoever awaits the pages; until then it is not an unhandled rejection.
  pages.catch(() => undefined);
  return {
    pages,
    async close() {
      await Promise.all(((await contexts.catch(() => undefined)) ?? []).map((c) => c.close()));
      if (!browser) await (await launched.catch(() => undefined))?.close();
      await (await files.catch(() => undefined))?.remove();
    },
  };
}

/**
 * Renders mermaid sources to SVG at build time with the real mermaid in
 * headless Chromium, so the site shows diagrams without JavaScript. Throws
 * with the diagram's name when a source does not parse.
 */
export async function renderMermaid(sources: ReadonlyMap<string, string>, options: RenderOptions = {}): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  const keyOf = cacheKeyer();
  const todo: Array<[string, string]> = [];
  for (const [name, source] of sources) {
    const cached = options.cacheDir ? await readCached(options.cacheDir, keyOf(name, source)) : undefined;
    if (cached !== undefined) result.set(name, cached);
    else todo.push([name, source]);
  }
  if (todo.length === 0) {
    if (options.cacheDir) await prune(options.cacheDir, [...sources].map(([name, source]) => keyOf(name, source)));
    return result;
  }

  const layout = options.layout ?? startLayout(options.browser ? { browser: options.browser } : {});
  try {
    const pages = (await layout.pages).slice(0, todo.length);
    const chunks = pages.map((page, i) => [page, todo.filter((_, j) => j % pages.length === i)] as const);
    const rendered = (await Promise.all(chunks.map(([page, chunk]) => renderOnPage(page, chunk)))).flat();
    for (const [name, svg, error] of rendered) {
      if (svg === null) throw new Error(`diagram "${name}" does not render: ${error}`);
      const clean = withoutRemoteImports(svg);
      result.set(name, clean);
      if (options.cacheDir) await writeCached(options.cacheDir, keyOf(name, sources.get(name)!), clean);
    }
    if (options.cacheDir) await prune(options.cacheDir, [...sources].map(([name, source]) => keyOf(name, source)));
    return result;
  } finally {
    if (layout !== options.layout) await layout.close();
  }
}

type Rendered = [string, string] | [string, null, string];

/** Layouts never reach a network: any request but for the layout page's own files (a font a theme imports) is refused. */
async function offline(context: BrowserContext, files: LayoutPageFiles): Promise<void> {
  await context.route((url) => !url.href.startsWith(files.folder), (route) => route.abort());
}

async function mermaidPage(context: BrowserContext, files: LayoutPageFiles): Promise<Page> {
  const page = await context.newPage();
  await page.goto(files.url);
  return page;
}

async function renderOnPage(page: Page, entries: Array<[string, string]>): Promise<Rendered[]> {
  return page.evaluate(
    async ([list, config]) => {
      const mermaid = (globalThis as unknown as { mermaid: MermaidApi }).mermaid;
      mermaid.initialize(config);
      const out: Rendered[] = [];
      for (const [name, source] of list) {
        try {
          // The id scopes the diagram's CSS: unique per diagram, and the same on every build (cacheable).
          const { svg } = await mermaid.render(`diagram-${name.replace(/[^a-zA-Z0-9_-]/g, '_')}`, source);
          out.push([name, svg]);
        } catch (err) {
          out.push([name, null, String((err as Error).message ?? err)]);
        }
      }
      return out;
    },
    [entries, MERMAID_CONFIG] as const,
  );
}

interface MermaidApi {
  initialize(config: Record<string, unknown>): void;
  render(id: string, source: string): Promise<{ svg: string }>;
}

/**
 * Keyed by mermaid's version, its settings, the clean-up and the source, all as data: `npm run build`
 * lays diagrams out unbundled and `astro build` from its bundle, and both must find the same entries.
 */
function cacheKeyer(): (name: string, source: string) => string {
  const salt = `${mermaidVersion()}\0${JSON.stringify(MERMAID_CONFIG)}\0${REMOTE_IMPORTS.map((r) => r.source).join('\0')}\0`;
  return (name, source) => createHash('sha256').update(salt).update(name).update('\0').update(source).digest('hex').slice(0, 40);
}

async function readCached(dir: string, key: string): Promise<string | undefined> {
  try {
    return await readFile(path.join(dir, `${key}.svg`), 'utf8');
  } catch {
    return undefined;
  }
}

/** A cache that cannot be written (read-only checkout) only costs speed. */
async function writeCached(dir: string, key: string, svg: string): Promise<void> {
  try {
    await writeFileAtomic(path.join(dir, `${key}.svg`), svg, 0o644, { durable: false });
  } catch {
    return;
  }
}

/** Drops diagrams no longer on the site, so the cache tracks the current inventory. */
async function prune(dir: string, keep: readonly string[]): Promise<void> {
  const wanted = new Set(keep.map((k) => `${k}.svg`));
  try {
    await Promise.all((await readdir(dir)).filter((f) => !wanted.has(f)).map((f) => rm(path.join(dir, f), { force: true })));
  } catch {
    return;
  }
}

/** Font and stylesheet imports, as data so the cache key can say them. */
const REMOTE_IMPORTS = [/@import\s+url\([^)]*\);?/g, /@import\s+["'][^"']*["'];?/g];

/** Pages make no request to another host: drop any font or stylesheet import. */
export function withoutRemoteImports(svg: string): string {
  return REMOTE_IMPORTS.reduce((text, pattern) => text.replace(pattern, ''), svg);
}
