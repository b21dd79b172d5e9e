import { runChecks } from './check/run-checks.ts';
import type { Diagnostic } from './diagnostics/diagnostic.ts';
import { InventoryGraph } from './graph/graph.ts';
import { loadInventory, type LoadOptions } from './load/loader.ts';
import type { InventorySource } from './load/source.ts';
import { modelInventory, type ModelledInventory } from './load/model-inventory.ts';

export interface OpenedInventory {
  graph: InventoryGraph;
  modelled: ModelledInventory;
  diagnostics: Diagnostic[];
  errors: number;
}

export interface OpenOptions extends LoadOptions {
  /** The moment evidence ages against (ms since epoch); an input, so runs are reproducible. */
  now: number;
}

/** The one way through the house: files → load → model → graph → checks. */
export async function openInventory(source: InventorySource, options: OpenOptions): Promise<OpenedInventory> {
  const loaded = await loadInventory(source, options);
  const modelled = modelInventory(loaded, options.cache);
  await options.cache?.save();
  const graph = new InventoryGraph(modelled, options.now);
  const diagnostics = runChecks(modelled, graph);
  return { graph, modelled, diagnostics, errors: diagnostics.filter((d) => d.severity === 'error').length };
}
