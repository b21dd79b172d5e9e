import { readdirSync } from 'node:fs';
import path from 'node:path';
import { readFileHistory, type FileHistory } from '../git/history.ts';
import type { InventoryGraph } from '../graph/graph.ts';
import { openInventory } from '../inventory.ts';
import { fileParseCache } from '../load/parse-cache.ts';
import { directorySource } from '../load/source.ts';
import { recordPath, topologyPath } from '../views/paths.ts';
import { topologyMermaid, topologyOf, type Topology } from '../views/topology.ts';
import { layOutEach, startLayout, type LayoutSession } from './mermaid-svg.ts';
import type { SiteSettings } from './site-config.ts';

/** A diagram as its page shows it, but for the SVG, which is filled in later (diagram-fill.ts). */
export interface Diagram {
  /** `estate`, or `environment:<id>`: no id holds a colon, so an environment called `estate` has a name of its own. */
  name: string;
  /** The page that draws it, relative to the site base. */
  page: string;
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
  /** By name: `estate` and one per environment (environmentDiagram). */
  diagrams: Promise<Map<string, Diagram>>;
  /** Each one's SVG by name, as soon as Chromium has laid it out (while Astro renders the pages: no page waits for them). */
  svgs: Promise<Map<string, Promise<string>>>;
  /** Settles once every diagram is laid out (or one failed) and Chromium is closed. */
  layoutDone: Promise<void>;
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
  const laidOut = diagrams.then((d) =>
    layOutEach(new Map([...d].map(([name, diagram]) => [name, diagram.mermaid])), {
      cacheDir: diagramCache(inputs.root),
      ...(layout ? { layout } : {}),
    }),
  );
  const svgs = laidOut.then((l) => l.svgs);
  // A failure reaches the build through the diagram it concerns (svgs).
  const layoutDone = laidOut
    .then((l) => l.done)
    .catch(() => undefined)
    .then(() => layout?.close());
  // A failure is thrown to whatever awaits it (a page, the integration); until then it is not an unhandled rejection.
  data.catch(() => undefined);
  diagrams.catch(() => undefined);
  svgs.catch(() => undefined);
  layoutDone.catch(() => undefined);
  return { data, diagrams, svgs, layoutDone };
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

export const ESTATE_DIAGRAM = 'estate';

export const environmentDiagram = (id: string): string => `environment:${id}`;

/** The site's diagrams with their mermaid text: the estate's and one per environment. */
export function diagramViews(graph: InventoryGraph, base: string): Diagram[] {
  const href = (id: string) => `${base}${recordPath(graph.get(id)!.kind, id)}`;
  const views = [
    { name: ESTATE_DIAGRAM, page: topologyPath(), title: 'The whole estate', topology: topologyOf(graph) },
    ...graph.byKind('environment').map((env) => ({
      name: environmentDiagram(env.id),
      page: topologyPath(env.id),
      title: env.data.title,
      topology: topologyOf(graph, { environment: env.id }),
    })),
  ];
  return views.map((v) => ({ ...v, mermaid: topologyMermaid(v.topology, graph, { href }) }));
}

