import type { InventoryGraph } from '../graph/graph.ts';
import { openInventory } from '../inventory.ts';
import { fileParseCache } from '../load/parse-cache.ts';
import { directorySource } from '../load/source.ts';
import { siteSettings } from 'virtual:ops-hub/settings';
import { handedOver, prepareSite, type Diagram, type PreparedSite, type SiteData } from './prepared-data.ts';

export type { Diagram, SiteData };

let opened: PreparedSite | undefined;

function site(): PreparedSite {
  // A direct `astro build` has nothing handed over: it opens the inventory itself.
  return handedOver(siteSettings) ?? (opened ??= prepareSite(openGraph(), siteSettings));
}

/** Everything the pages show but the diagrams, once per build. */
export function siteData(): Promise<SiteData> {
  return site().data;
}

/** The topology diagrams, rendered to SVG once per build: only the pages that draw them wait for them. */
export function siteDiagrams(): Promise<Map<string, Diagram>> {
  return site().diagrams;
}

async function openGraph(): Promise<InventoryGraph> {
  const { root, now } = siteSettings;
  const { graph, errors } = await openInventory(directorySource(root), { now, cache: await fileParseCache(root) });
  if (errors > 0) {
    // scripts/build.ts validates first and prints the diagnostics; this guards direct `astro build` runs.
    throw new Error(`the inventory at ${root} has ${errors} validation error(s): run npm run validate`);
  }
  return graph;
}
