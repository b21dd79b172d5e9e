import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { openInventory, type OpenedInventory, type OpenOptions } from '../inventory.ts';
import { TOP_FOLDERS } from '../load/list-records.ts';
import { directorySource } from '../load/source.ts';
import { indexedSource, readTreeIndex } from '../load/tree-index.ts';
import { MANIFEST_FILE, type Manifest } from '../model/vocabulary.ts';
import { renderDiagnostics } from '../output/diagnostics.ts';
import { displayPathFor } from './args.ts';

export interface RefuseOptions extends OpenOptions {
  /** The line said after the diagnostics, naming the command and what it did not do. */
  refusal: string;
  /** Errors this command can live with: `seeds` regenerates what `seed-stale` reports; `schema` needs only the manifest. */
  tolerate?: (d: Diagnostic) => boolean;
  /** Refuse unless the manifest validates, for commands that speak its vocabulary. */
  needsManifest?: boolean;
}

export type OpenedWithManifest = OpenedInventory & { manifest: Manifest };

/**
 * The prelude of every command that acts on the inventory: open the working
 * tree at `root`, and when it has errors the command cannot live with, print
 * them to stderr as `validate` does, then the refusal line. Undefined means
 * refused: the command exits 1 without doing anything.
 */
export async function openOrRefuse(root: string, options: RefuseOptions & { needsManifest: true }): Promise<OpenedWithManifest | undefined>;
export async function openOrRefuse(root: string, options: RefuseOptions): Promise<OpenedInventory | undefined>;
export async function openOrRefuse(root: string, options: RefuseOptions): Promise<OpenedInventory | OpenedWithManifest | undefined> {
  const { refusal, tolerate, needsManifest, ...open } = options;
  // With the record cache, files unchanged since validate last ran (its tree index) are not read at all.
  const source = open.cache ? indexedSource(root, await readTreeIndex(root), TOP_FOLDERS).source : directorySource(root);
  const opened = await openInventory(source, open);
  const manifest = opened.graph.manifest;
  const manifestMissing = needsManifest === true && manifest === undefined;
  const blocking = opened.diagnostics.filter(
    (d) => d.severity === 'error' && (!tolerate?.(d) || (manifestMissing && d.file === MANIFEST_FILE)),
  );
  if (blocking.length === 0 && !manifestMissing) return manifest ? { ...opened, manifest } : opened;
  process.stderr.write(renderDiagnostics(blocking, 'text', { displayPath: displayPathFor(root), records: opened.graph.size }));
  process.stderr.write(`${refusal}\n`);
  return undefined;
}
