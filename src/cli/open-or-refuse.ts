import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { openInventory, openWorkingTree, type OpenedInventory, type OpenOptions } from '../inventory.ts';
import { directorySource } from '../load/source.ts';
import { previousRun, validationKey } from '../load/tree-index.ts';
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
  /** `now` was given (--now): a verdict stored at the same moment holds while no file changed, and this run's is stored. */
  nowGiven?: boolean;
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
  const { refusal, tolerate, needsManifest, nowGiven, ...open } = options;
  // With the record cache, the working tree goes through validate's tree index, which this run then updates:
  // files unchanged since the last run are not read at all, and when none changed its verdict stands.
  const key = nowGiven ? validationKey(open.now) : undefined;
  const opened = open.cache
    ? await openWorkingTree(root, await previousRun(root, key), { ...open, cache: open.cache, keep: { key } })
    : await openInventory(directorySource(root), open);
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
