import type { InventoryGraph } from '../graph/graph.ts';
import type { ModelledInventory } from '../load/model-inventory.ts';
import { MANIFEST_FILE, WIDGET_SEED_FILE } from '../model/vocabulary.ts';
import { manifestSeedText, widgetSeedText } from '../seeds/seed-files.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { brokenFiles, nameSome } from './broken-records.ts';

const HINT = 'run `npm run seeds` and commit the result';

/**
 * The generated seed files match what `npm run seeds` writes now. An
 * inventory without a widget seed (fixtures, scratch copies) is not checked
 * for one; the repository's own has it, and a test keeps it there.
 *
 * The widget seed is generated from every record, so it is compared only when
 * every file loads and models: with one broken record it would always differ,
 * and that difference would only repeat the record's own error. Then the
 * comparison is skipped with a notice saying why, never silently.
 */
export function checkSeeds(modelled: ModelledInventory, graph: InventoryGraph): Diagnostic[] {
  const { manifest, seedTexts } = modelled;
  const out: Diagnostic[] = [];
  if (manifest && seedTexts.manifest !== undefined && seedTexts.manifest !== manifestSeedText(manifest)) {
    out.push(diagnostic(MANIFEST_FILE, 'error', 'seed-stale', `${MANIFEST_FILE} is not what the vocabulary and the names ops-hub needs generate`, HINT));
  }
  if (seedTexts.widgets === undefined) return out;
  const broken = brokenFiles(modelled);
  if (broken.length > 0 || !manifest) {
    const why = broken.length > 0 ? `${broken.length} file${broken.length === 1 ? '' : 's'} do${broken.length === 1 ? 'es' : ''} not load or validate (${nameSome(broken)})` : `${MANIFEST_FILE} is missing`;
    out.push(diagnostic(WIDGET_SEED_FILE, 'notice', 'seed-check-skipped', `${WIDGET_SEED_FILE} was not compared with the records: ${why}`, 'fix those errors first; validate then compares the seed again'));
  } else if (seedTexts.widgets !== widgetSeedText(graph, manifest)) {
    out.push(diagnostic(WIDGET_SEED_FILE, 'error', 'seed-stale', `${WIDGET_SEED_FILE} is not what the inventory records generate`, HINT));
  }
  return out;
}

function diagnostic(file: string, severity: Diagnostic['severity'], code: string, message: string, hint: string): Diagnostic {
  return { file, line: 1, col: 1, severity, code, message, hint };
}
