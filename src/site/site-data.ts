import path from 'node:path';
import { readFileHistory, type FileHistory } from '../git/history.ts';
import type { InventoryGraph } from '../graph/graph.ts';
import { openInventory } from '../inventory.ts';
import { fileParseCache } from '../load/parse-cache.ts';
import { directorySource } from '../load/source.ts';
import { recordPath } from '../views/paths.ts';
import { topologyMermaid, topologyOf, type Topology } from '../views/topology.ts';
import { siteSettings } from 'virtual:ops-hub/settings';
import { renderMermaid } from './mermaid-svg.ts';

export interface Diagram {
  name: string;
  title: string;
  topology: Topology;
  mermaid: string;
  svg: string;
}

export interface SiteData {
  graph: InventoryGraph;
  history: FileHistory;
  /** `estate` and one per environment id. */
  diagrams: Map<string, Diagram>;
}

let loading: Promise<SiteData> | undefined;

/** Everything the pages show, built once per build from the inventory graph. */
export function siteData(): Promise<SiteData> {
  loading ??= build();
  return loading;
}

async function build(): Promise<SiteData> {
  const { root, now, base } = siteSettings;
  // scripts/build.ts has just validated the same files: the parse cache makes this second open cheap.
  const { graph, errors } = await openInventory(directorySource(root), { now, cache: await fileParseCache(root) });
  if (errors > 0) {
    // scripts/build.ts validates first and prints the diagnostics; this guards direct `astro build` runs.
    throw new Error(`the inventory at ${root} has ${errors} validation error(s): run npm run validate`);
  }
  const href = (id: string) => {
    const record = graph.get(id)!;
    return `${base}${recordPath(record.kind, id)}`;
  };
  const views = [
    { name: 'estate', title: 'The whole estate', topology: topologyOf(graph) },
    ...graph.byKind('environment').map((env) => ({
      name: env.id,
      title: env.data.title,
      topology: topologyOf(graph, { environment: env.id }),
    })),
  ];
  const sources = new Map(views.map((v) => [v.name, topologyMermaid(v.topology, graph, { href })]));
  const [svgs, history] = await Promise.all([renderMermaid(sources, { cacheDir: path.join(root, '.cache', 'diagrams') }), readFileHistory(root)]);
  const diagrams = new Map(
    views.map((v) => [v.name, { ...v, mermaid: sources.get(v.name)!, svg: svgs.get(v.name)! }]),
  );
  return { graph, history, diagrams };
}
