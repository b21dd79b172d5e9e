import type { InventoryGraph } from '../graph/graph.ts';
import { layoutOf } from '../model/kinds.ts';
import { at } from './at.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { closest } from '../util/did-you-mean.ts';
import { formatPath } from '../load/schema-issues.ts';

/** Every reference names an existing record of a kind its field allows. */
export function checkReferences(graph: InventoryGraph): Diagnostic[] {
  return graph.unresolved.map((ref) => {
    const where = { file: ref.record.file, positions: ref.record.positions, id: ref.record.id };
    const field = formatPath(ref.path);
    const expected = ref.expected === 'any' ? 'record' : ref.expected.join(' or ');
    if (ref.actualKind !== undefined) {
      return at(where, ref.path, 'error', 'wrong-kind-reference',
        `${field}: "${ref.id}" is a ${ref.actualKind}, but this field takes a ${expected}`,
        `name a ${expected} id here${ref.expected === 'any' ? '' : ` (files in ${ref.expected.map((k) => layoutOf(k).dir).join(', ')})`}`);
    }
    const pool = ref.expected === 'any' ? [...graph.ids()] : graph.all().filter((r) => (ref.expected as readonly string[]).includes(r.kind)).map((r) => r.id);
    const guess = closest(ref.id, pool);
    return at(where, ref.path, 'error', 'unknown-reference', `${field}: no ${expected} has the id "${ref.id}"`,
      guess !== undefined ? `did you mean "${guess}"?` : `create the ${expected} record, or correct the id`);
  });
}
