import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.ts';

/**
 * Pages are rendered with a placeholder where a diagram's SVG goes, and the
 * SVG is filled in once laid out: Astro does not wait for Chromium, so the
 * read API and the search index are written while the diagrams are laid out.
 * The diagrams are left out of the search index (the records they show have
 * pages of their own), so the index is the same before and after.
 */
export function diagramPlaceholder(name: string): string {
  return `<!--ops-hub:diagram ${encodeURIComponent(name)}-->`;
}

/** A diagram's name, the page (relative to the site's root) that draws it, and its SVG, or its SVG to come. */
export interface LaidOutDiagram {
  name: string;
  page: string;
  svg: string | Promise<string>;
}

/**
 * Fills each diagram's SVG into its topology page as soon as it is there;
 * throws when a page is missing or does not hold its placeholder once.
 */
export async function fillDiagrams(outDir: string, diagrams: Iterable<LaidOutDiagram>): Promise<void> {
  await Promise.all(
    [...diagrams].map(async ({ name, page: pagePath, svg: laidOut }) => {
      const svg = await laidOut;
      const page = path.join(outDir, pagePath, 'index.html');
      const placeholder = diagramPlaceholder(name);
      const html = await readFile(page, 'utf8');
      const at = html.indexOf(placeholder);
      if (at < 0 || html.indexOf(placeholder, at + 1) >= 0) {
        throw new Error(`${page}: expected the placeholder of diagram "${name}" once (${placeholder}): the page must draw it with Diagram.astro`);
      }
      // Swapped in whole: the search indexer may be reading the page meanwhile. A built page is made again by the next build: no flush.
      await writeFileAtomic(page, html.slice(0, at) + svg + html.slice(at + placeholder.length), 0o644, { durable: false });
    }),
  );
}
