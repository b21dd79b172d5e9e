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
 * two pages in 24 s. Nor does a second page pay once Astro is done: this
 * machine's two cores lay out together only 1.2 times as fast as one alone
 * (the 21 diagrams twice: 14-16 s on one page, 23-26 s each on two at once),
 * and a page added then is cold; a 10k build took 85 s with it, 78 s without.
 */
const PAGES = Math.max(1, Math.min(4, availableParallelism() - 1));

/**
 * Diagrams handed to a page and not yet answered. mermaid lays them out one
 * at a time, in order, so the next one is already in the page when Node,
 * busy rendering pages, is slow to take an answer and hand over another.
 */
const AHEAD_PER_PAGE = 3;

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
 * core but one, now: a cold build opens its inventory meanwhile. Playwright
 * is imported here, not up front: it takes a second or more to import, which
 * a build whose diagrams are all cached should not pay.
 */
export function startLayout({ browser, script }: LayoutOptions = {}): LayoutSession {
  const launched = browser ? Promise.resolve(browser) : import('../browser/chromium.ts').then((m) => m.launchChromium());
  const files = writeLayoutPage(script ?? patchedMermaid());
  const contexts: Array<Promise<BrowserContext>> = [];
  // A context per page: pages of one context share a renderer process, whose one main thread ran their layouts in turn.
  const openPage = async () => {
    const context = Promise.all([launched, files]).then(async ([b, f]) => {
      const c = await b.newContext();
      await offline(c, f);
      return c;
    });
    contexts.push(context);
    return mermaidPage(await context, await files);
  };
  const pages = Promise.all(Array.from({ length: PAGES }, openPage));
  // A failure is thrown to whoever awaits the pages; until then it is not an unhandled rejection.
  pages.catch(() => undefined);
  return {
    pages,
    async close() {
      await Promise.all(contexts.map((c) => c.then((x) => x.close()).catch(() => undefined)));
      if (!browser) await (await launched.catch(() => undefined))?.close();
      await (await files.catch(() => undefined))?.remove();
    },
  };
}

/**
 * Renders mermaid sources to SVG at build time with the real mermaid in
 * headless Chromium, so the site shows diagrams without JavaScript: each
 * diagram's SVG as soon as it is laid out (or read from the cache), and
 * `done` once the cache is tidied and the pages it opened are closed. When a
 * source does not parse, every diagram not yet answered, and `done`, fail
 * with an error naming it.
 */
export function layOutEach(sources: ReadonlyMap<string, string>, options: RenderOptions = {}): { svgs: Map<string, Promise<string>>; done: Promise<void> } {
  const each = new Map([...sources.keys()].map((name) => [name, Promise.withResolvers<string>()]));
  const done = layOutAll(sources, options, (name, svg) => each.get(name)!.resolve(svg));
  done.catch((err: unknown) => {
    for (const d of each.values()) d.reject(err);
  });
  const svgs = new Map(
    [...each].map(([name, d]) => {
      // Thrown to whoever awaits this diagram; until then it is not an unhandled rejection.
      d.promise.catch(() => undefined);
      return [name, d.promise];
    }),
  );
  return { svgs, done };
}

/** Every diagram's SVG, once all are laid out. */
export async function renderMermaid(sources: ReadonlyMap<string, string>, options: RenderOptions = {}): Promise<Map<string, string>> {
  const { svgs, done } = layOutEach(sources, options);
  await done;
  return new Map(await Promise.all([...svgs].map(async ([name, svg]) => [name, await svg] as const)));
}

async function layOutAll(sources: ReadonlyMap<string, string>, options: RenderOptions, done: (name: string, svg: string) => void): Promise<void> {
  const keyOf = cacheKeyer();
  const todo: Array<[string, string]> = [];
  for (const [name, source] of sources) {
    const cached = options.cacheDir ? await readCached(options.cacheDir, keyOf(name, source)) : undefined;
    if (cached !== undefined) done(name, cached);
    else todo.push([name, source]);
  }
  if (todo.length > 0) {
    const layout = options.layout ?? startLayout(options.browser ? { browser: options.browser } : {});
    try {
      await layOutOnPages(await layout.pages, todo, async (name, svg) => {
        const clean = withoutRemoteImports(svg);
        if (options.cacheDir) await writeCached(options.cacheDir, keyOf(name, sources.get(name)!), clean);
        done(name, clean);
      });
    } finally {
      if (layout !== options.layout) await layout.close();
    }
  }
  if (options.cacheDir) await prune(options.cacheDir, [...sources].map(([name, source]) => keyOf(name, source)));
}

/** Pages take diagrams from one queue, a few ahead each, so a page that is done early takes more. */
async function layOutOnPages(pages: Page[], todo: Array<[string, string]>, laidOut: (name: string, svg: string) => Promise<void>): Promise<void> {
  const queue = [...todo];
  const lane = async (page: Page) => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [name, source] = next;
      const [svg, error] = await renderOnPage(page, name, source);
      if (svg === null) {
        queue.length = 0;
        throw new Error(`diagram "${name}" does not render: ${error}`);
      }
      await laidOut(name, svg);
    }
  };
  // Every lane ends before the pages may close, also when one of them failed.
  const settled = await Promise.allSettled(pages.flatMap((page) => Array.from({ length: AHEAD_PER_PAGE }, () => lane(page))));
  for (const result of settled) if (result.status === 'rejected') throw result.reason;
}

type Rendered = [string, null] | [null, string];

/** Layouts never reach a network: any request but for the layout page's own files (a font a theme imports) is refused. */
async function offline(context: BrowserContext, files: LayoutPageFiles): Promise<void> {
  await context.route((url) => !url.href.startsWith(files.folder), (route) => route.abort());
}

async function mermaidPage(context: BrowserContext, files: LayoutPageFiles): Promise<Page> {
  const page = await context.newPage();
  await page.goto(files.url);
  await page.evaluate((config) => (globalThis as unknown as { mermaid: MermaidApi }).mermaid.initialize(config), MERMAID_CONFIG);
  return page;
}

/** mermaid queues its renders, so the diagrams a page is handed ahead are laid out one after another. */
function renderOnPage(page: Page, name: string, source: string): Promise<Rendered> {
  return page.evaluate(
    async ([id, text]) => {
      try {
        const { svg } = await (globalThis as unknown as { mermaid: MermaidApi }).mermaid.render(id, text);
        return [svg, null] as Rendered;
      } catch (err) {
        return [null, String((err as Error).message ?? err)] as Rendered;
      }
    },
    // The id scopes the diagram's CSS: unique per diagram, and the same on every build (cacheable).
    [`diagram-${name.replace(/[^a-zA-Z0-9_-]/g, '_')}`, source] as const,
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
