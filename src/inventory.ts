import { runChecks } from './check/run-checks.ts';
import type { Diagnostic } from './diagnostics/diagnostic.ts';
import { InventoryGraph } from './graph/graph.ts';
import { TOP_FOLDERS } from './load/list-records.ts';
import { loadInventory, type LoadOptions } from './load/loader.ts';
import type { ParseCache } from './load/parse-cache.ts';
import type { InventorySource } from './load/source.ts';
import { modelInventory, type ModelledInventory } from './load/model-inventory.ts';
import { indexedSource, type PreviousRun, type Validation } from './load/tree-index.ts';

/** An inventory as a graph, before the checks: what diff needs of its base. */
export interface InventoryModel {
  graph: InventoryGraph;
  modelled: ModelledInventory;
}

export interface OpenedInventory extends InventoryModel {
  diagnostics: Diagnostic[];
  errors: number;
}

export interface OpenOptions extends Omit<LoadOptions, 'reuse'> {
  /** The moment evidence ages against (ms since epoch); an input, so runs are reproducible. */
  now: number;
  /** Another side opened with the cache (diff's head): its files and records are shared wherever they are the same (loader.ts, model-inventory.ts). */
  reuse?: ModelledInventory;
}

/** The one way through the house: files → load → model → graph → checks. */
export async function openInventory(source: InventorySource, options: OpenOptions): Promise<OpenedInventory> {
  return checkInventory(await modelAndGraph(source, options));
}

/** files → load → model → graph; the cache, when given, is saved once the records are modelled. */
export async function modelAndGraph(source: InventorySource, options: OpenOptions): Promise<InventoryModel> {
  const loaded = await loadInventory(source, options);
  const modelled = modelInventory(loaded, options.cache, options.reuse);
  await options.cache?.save();
  return { graph: new InventoryGraph(modelled, options.now), modelled };
}

/** Every check over a modelled inventory, with the diagnostics of loading and modelling it. */
export function checkInventory(model: InventoryModel): OpenedInventory {
  return withDiagnostics(model, runChecks(model.modelled, model.graph));
}

/** A modelled inventory with its diagnostics, when they are known already (validate's stored result for the same files). */
export function withDiagnostics({ graph, modelled }: InventoryModel, diagnostics: Diagnostic[]): OpenedInventory {
  return { graph, modelled, diagnostics, errors: diagnostics.filter((d) => d.severity === 'error').length };
}

export interface WorkingTreeOptions extends OpenOptions {
  cache: ParseCache;
  /** Writes the tree index for the next run, with this run's verdict under `key` when given (tree-index.ts `validationKey`). */
  keep?: { key?: string | undefined };
}

/**
 * The working tree at `root`, through the tree index `previous` run left:
 * files unchanged since are not read (their records come from the cache), and
 * when none changed, its verdict stands for the checks, which do not run.
 */
export async function openWorkingTree(root: string, previous: PreviousRun, options: WorkingTreeOptions): Promise<OpenedInventory> {
  const { keep, ...open } = options;
  const tree = indexedSource(root, previous.index, TOP_FOLDERS, previous.verdict !== undefined);
  if (previous.verdict) {
    // Nothing changed, so the index stays as it is, but for files to stamp again (tree-index.ts `restamp`).
    if (keep) await previous.restamp?.();
    return withDiagnostics(await modelAndGraph(tree.source, open), previous.verdict.diagnostics);
  }
  const opened = await openInventory(tree.source, open);
  if (keep) await tree.save(keep.key === undefined ? undefined : { key: keep.key, value: verdictOf(opened) });
  return opened;
}

/** What a run keeps of an opened inventory for the next (tree-index.ts `Validation`). */
export function verdictOf({ diagnostics, graph, modelled }: OpenedInventory): Validation {
  return { diagnostics, records: graph.size, dotfiles: modelled.dotfiles };
}
