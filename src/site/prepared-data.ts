import { readdirSync } from 'node:fs';
import path from 'node:path';
import { readFileHistory, type FileHistory } from '../git/history.ts';
import type { InventoryGraph } from '../graph/graph.ts';
import { openInventory } from '../inventory.ts';
import { fileParseCache } from '../load/parse-cache.ts';
import { directorySource } from '../load/source.ts';
import { recordPath } from '../views/paths.ts';
import { topologyMermaid, topologyOf, type Topology } from '../views/topology.ts';
import { renderMermaid, startLayout, type LayoutSession } from './mermaid-svg.ts';
import type { SiteSettings } from './site-config.ts';
import { siteVersion } from './site-version.ts';

/** A diagram as its page shows it, but for the SVG, which is filled in later (diagram-fill.ts). */
export interface Diagram {
  name: string;
  title: string;
  topology: Topology;
  mermaid: string;
}

export interface SiteData {
  graph: InventoryGraph;
  history: FileHistory;
}

/** What one build shows, started once. */
export interface PreparedSite {
  data: Promise<SiteData>;
  /** `estate` and one per environment id. */
  diagrams: Promise<Map<string, Diagram>>;
  /** Their SVGs by name, laid out in Chromium while Astro renders the pages; no page waits for them. */
  svgs: Promise<Map<string, string>>;
  /** The site's version (site-version.ts) under these settings, worked out once for the pages' cacheKey and the read API's stamp. */
  version(settings: SiteSettings): Promise<string>;
}

type Inputs = Pick<SiteSettings, 'root' | 'now' | 'base'>;

/**
 * `npm run build` has the validated graph before Astro starts, and Astro runs
 * the pages in the same process but from its own bundle of the site's
 * modules: a process-wide slot hands the graph, and the diagrams already
 * being laid out, across, to the pages and to the integration that writes
 * the read API. The inventory is opened once, and Chromium works while Astro
 * bundles and renders the pages that draw no diagram.
 */
const HANDOFF = Symbol.for('ops-hub.prepared-site');
type Handoff = { [HANDOFF]?: { key: string; site: PreparedSite } };

const keyOf = (inputs: Inputs) => JSON.stringify([inputs.root, inputs.now, inputs.base]);

/**
 * Starts Chromium and mermaid ahead, when no diagram of this inventory is
 * cached: a build that lays every diagram out has them ready by the time the
 * inventory is open. A build whose diagrams are cached pays nothing.
 */
export function startLayoutIfCold({ root }: Pick<Inputs, 'root'>): LayoutSession | undefined {
  try {
    if (readdirSync(diagramCache(root)).some((f) => f.endsWith('.svg'))) return undefined;
  } catch {
    // No cache yet.
  }
  return startLayout();
}

/**
 * Starts the site's data from a graph (one that has just validated, or is
 * being opened), for the Astro build that follows in this process. `layout`
 * (started ahead) is closed once the diagrams are laid out.
 */
export function prepareSiteData(graph: InventoryGraph | Promise<InventoryGraph>, inputs: Inputs, layout?: LayoutSession): PreparedSite {
  const site = prepareSite(Promise.resolve(graph), inputs, layout);
  (globalThis as Handoff)[HANDOFF] = { key: keyOf(inputs), site };
  return site;
}

/** What `prepareSiteData` started for the same inputs; a direct `astro build` has nothing handed over, and opens the inventory here, once. */
export function preparedSite(inputs: Inputs): PreparedSite {
  const handed = (globalThis as Handoff)[HANDOFF];
  return handed && handed.key === keyOf(inputs) ? handed.site : prepareSiteData(openValidGraph(inputs), inputs);
}

function prepareSite(graph: Promise<InventoryGraph>, inputs: Inputs, layout: LayoutSession | undefined): PreparedSite {
  const data = Promise.all([graph, readFileHistory(inputs.root)]).then(([g, history]) => ({ graph: g, history }));
  const diagrams = graph.then((g) => new Map(diagramViews(g, inputs.base).map((d) => [d.name, d])));
  const svgs = diagrams.then((d) => renderDiagrams(d, inputs, layout)).finally(() => layout?.close());
  // A failure is thrown to whatever awaits it (a page, the integration); until then it is not an unhandled rejection.
  data.catch(() => undefined);
  diagrams.catch(() => undefined);
  svgs.catch(() => undefined);
  const versions = new Map<string, Promise<string>>();
  const version = (settings: SiteSettings) => {
    const key = JSON.stringify(settings);
    let v = versions.get(key);
    if (!v) versions.set(key, (v = graph.then((g) => siteVersion(g, settings))));
    return v;
  };
  return { data, diagrams, svgs, version };
}

async function openValidGraph({ root, now }: Inputs): Promise<InventoryGraph> {
  const { graph, errors } = await openInventory(directorySource(root), { now, cache: await fileParseCache(root) });
  if (errors > 0) {
    // scripts/build.ts validates first and prints the diagnostics; this guards direct `astro build` runs.
    throw new Error(`the inventory at ${root} has ${errors} validation error(s): run npm run validate`);
  }
  return graph;
}

const diagramCache = (root: string) => path.join(root, '.cache', 'diagrams');

/** The site's diagrams with their mermaid text: `estate` and one per environment. */
export function diagramViews(graph: InventoryGraph, base: string): Diagram[] {
  const href = (id: string) => `${base}${recordPath(graph.get(id)!.kind, id)}`;
  const views = [
    { name: 'estate', title: 'The whole estate', topology: topologyOf(graph) },
    ...graph.byKind('environment').map((env) => ({
      name: env.id,
      title: env.data.title,
      topology: topologyOf(graph, { environment: env.id }),
    })),
  ];
  return views.map((v) => ({ ...v, mermaid: topologyMermaid(v.topology, graph, { href }) }));
}

function renderDiagrams(diagrams: Map<string, Diagram>, { root }: Inputs, layout: LayoutSession | undefined): Promise<Map<string, string>> {
  const sources = new Map([...diagrams].map(([name, d]) => [name, d.mermaid]));
  return renderMermaid(sources, { cacheDir: diagramCache(root), ...(layout ? { layout } : {}) });
}
