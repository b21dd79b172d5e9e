import type { InventoryGraph } from '../graph/graph.ts';
import type { ModelledInventory } from '../load/model-inventory.ts';
import { brokenRecords } from './broken-records.ts';
import { checkCycles } from './cycles.ts';
import { sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.ts';
import { checkGates } from './gates.ts';
import { checkIdentity } from './identity.ts';
import { checkReferences } from './references.ts';
import { checkSecrets } from './secrets.ts';
import { checkSeeds } from './seeds.ts';
import { checkStructure } from './structure.ts';
import { checkVocabulary } from './vocabulary.ts';

/** Every check over one inventory; each is pure, so all problems come out of one run. */
export function runChecks(modelled: ModelledInventory, graph: InventoryGraph): Diagnostic[] {
  const broken = brokenRecords(modelled);
  const documents = [modelled.manifestDocument, modelled.ownersDocument].filter((d) => d !== undefined);
  return sortDiagnostics([
    ...modelled.diagnostics,
    ...checkIdentity(modelled.files),
    ...checkSecrets([...modelled.files, ...documents]),
    ...checkVocabulary(modelled.vocabulary, modelled.manifestDocument, modelled.manifest !== undefined),
    ...checkReferences(graph),
    ...checkCycles(graph),
    ...checkGates(graph, broken),
    ...checkStructure(graph, broken),
    ...checkSeeds(modelled, graph),
  ]);
}
