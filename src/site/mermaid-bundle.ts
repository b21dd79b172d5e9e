import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
/**
 * The single-file build: the page loads it in one piece. (The ES module build
 * loads its chunks lazily, through whatever answers the page's requests.)
 */
const MERMAID_JS = require.resolve('mermaid/dist/mermaid.min.js');

export const mermaidVersion = (): string =>
  (JSON.parse(readFileSync(require.resolve('mermaid/package.json'), 'utf8')) as { version: string }).version;

/** Mermaid as published. */
export const stockMermaid = (): Promise<string> => readFile(MERMAID_JS, 'utf8');

/**
 * mermaid's `getConfig` returns a copy of its whole config (every diagram
 * type's defaults and the theme's variables) three levels deep, with a
 * general-purpose merge. It is called for every node and edge drawn: a
 * quarter of a warm layout's time. The patch swaps in a plain copy with the
 * same result: same keys in the same order, `null`s left out above the third
 * level, arrays copied without duplicates, the third level copied shallowly.
 * The SVGs are byte for byte the same (tests/mermaid-bundle.test.ts).
 */
const GET_CONFIG = /(\w+)=(\w+)\(\(\)=>(\w+)\(\{\},(\w+)\),"getConfig"\)/g;

const PLAIN_COPY = `function opsHubConfigCopy(src, depth) {
  const dst = {};
  for (const key of Object.keys(src)) {
    let value = src[key];
    if (value === null) continue;
    if (Array.isArray(value)) {
      const items = [];
      value.forEach((item) => items.includes(item) || items.push(item));
      value = items;
    } else if (typeof value === 'object') {
      value = depth > 1 ? opsHubConfigCopy(value, depth - 1) : Object.assign({}, value);
    }
    if (key === '__proto__') Object.defineProperty(dst, key, { value, writable: true, enumerable: true, configurable: true });
    else dst[key] = value;
  }
  return dst;
}
`;

/** Mermaid with its config copy made cheap. */
export const patchedMermaid = async (): Promise<string> => patchConfigCopy(await stockMermaid());

/** Throws when this mermaid's `getConfig` is not the one the patch knows. */
export function patchConfigCopy(source: string): string {
  const found = [...source.matchAll(GET_CONFIG)];
  if (found.length !== 1) {
    throw new Error(
      `mermaid ${mermaidVersion()}: expected one getConfig to patch, found ${found.length}: ` +
        'update the pattern in src/site/mermaid-bundle.ts for this mermaid, or pin the mermaid it knows',
    );
  }
  const [whole, name, wrap, , current] = found[0]!;
  // Appended: the bundle opens with its "use strict" directive, and a declaration is hoisted from anywhere in the script.
  const patched = source.replace(whole, () => `${name}=${wrap}(()=>opsHubConfigCopy(${current},2),"getConfig")`);
  return `${patched}\n${PLAIN_COPY}`;
}

/** A page for layouts, with mermaid beside it, in a folder of its own. */
export interface LayoutPageFiles {
  /** The page's file URL. */
  url: string;
  /** The folder's URL, ending in `/`: the only place the page may load from. */
  folder: string;
  remove(): Promise<void>;
}

/**
 * Writes the layout page and `script` into a new temporary folder. Chromium
 * reads them from disk itself: handing 5.5 MB of script to the page through
 * Playwright took twice as long, and waited on Node, which is busy while a
 * build opens the inventory.
 */
export async function writeLayoutPage(script: Promise<string>): Promise<LayoutPageFiles> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ops-hub-layout-'));
  await writeFile(path.join(dir, 'mermaid.js'), await script);
  await writeFile(path.join(dir, 'layout.html'), '<!doctype html><html><body><script src="mermaid.js"></script></body></html>');
  return {
    url: pathToFileURL(path.join(dir, 'layout.html')).href,
    folder: pathToFileURL(dir).href + '/',
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
