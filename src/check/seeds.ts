import type { InventoryGraph } from '../graph/graph.ts';
import type { ModelledInventory } from '../load/model-inventory.ts';
import { MANIFEST_FILE, WIDGET_SEED_FILE } from '../model/vocabulary.ts';
import { manifestSeedText, widgetSeedText } from '../seeds/seed-files.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';

const HINT = 'run `npm run seeds` and commit the result';

/**
 * The generated seed files match what `npm run seeds` writes now. An
 * inventory without a widget seed (fixtures, scratch copies) is not checked
 * for one; the repository's own has it, and a test keeps it there.
 */
export function checkSeeds(modelled: ModelledInventory, graph: InventoryGraph): Diagnostic[] {
  const { manifest, seedTexts } = modelled;
  if (!manifest || seedTexts.manifest === undefined) return [];
  const stale = (file: string, what: string): Diagnostic => ({
    file,
    line: 1,
    col: 1,
    severity: 'error',
    code: 'seed-stale',
    message: `${file} is not what the ${what} generate`,
    hint: HINT,
  });
  const out: Diagnostic[] = [];
  if (seedTexts.manifest !== manifestSeedText(manifest)) out.push(stale(MANIFEST_FILE, 'vocabulary and the names ops-hub needs'));
  if (seedTexts.widgets !== undefined && seedTexts.widgets !== widgetSeedText(graph, manifest)) out.push(stale(WIDGET_SEED_FILE, 'inventory records'));
  return out;
}
