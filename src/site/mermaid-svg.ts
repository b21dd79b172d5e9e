import { createRequire } from 'node:module';
import { launchChromium } from '../browser/chromium.ts';

const require = createRequire(import.meta.url);

/**
 * Renders mermaid sources to SVG at build time with the real mermaid in
 * headless Chromium, all in one page, so the site shows diagrams without
 * JavaScript. Throws with the diagram's name when a source does not parse.
 */
export async function renderMermaid(sources: ReadonlyMap<string, string>): Promise<Map<string, string>> {
  if (sources.size === 0) return new Map();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.setContent('<!doctype html><html><body></body></html>');
    await page.addScriptTag({ path: require.resolve('mermaid/dist/mermaid.min.js') });
    const rendered = await page.evaluate(async (entries: Array<[string, string]>) => {
      const mermaid = (globalThis as unknown as { mermaid: MermaidApi }).mermaid;
      mermaid.initialize({
        startOnLoad: false,
        securityLevel: 'strict',
        theme: 'neutral',
        fontFamily: 'system-ui, sans-serif',
        flowchart: { htmlLabels: false, useMaxWidth: true },
        maxEdges: 2000,
        maxTextSize: 200_000,
      });
      const out: Array<[string, string] | [string, null, string]> = [];
      let n = 0;
      for (const [name, source] of entries) {
        try {
          const { svg } = await mermaid.render(`diagram${n++}`, source);
          out.push([name, svg]);
        } catch (err) {
          out.push([name, null, String((err as Error).message ?? err)]);
        }
      }
      return out;
    }, [...sources]);
    const result = new Map<string, string>();
    for (const [name, svg, error] of rendered) {
      if (svg === null) throw new Error(`diagram "${name}" does not render: ${error}`);
      result.set(name, withoutRemoteImports(svg));
    }
    return result;
  } finally {
    await browser.close();
  }
}

interface MermaidApi {
  initialize(config: Record<string, unknown>): void;
  render(id: string, source: string): Promise<{ svg: string }>;
}

/** Pages make no request to another host: drop any font or stylesheet import. */
export function withoutRemoteImports(svg: string): string {
  return svg.replace(/@import\s+url\([^)]*\);?/g, '').replace(/@import\s+["'][^"']*["'];?/g, '');
}
