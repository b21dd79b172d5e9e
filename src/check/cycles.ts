import type { InventoryGraph } from '../graph/graph.ts';
import { at } from './at.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';

/** Relations along which a cycle is impossible in a working estate. */
const ACYCLIC_FIELDS: ReadonlySet<string> = new Set(['dependsOn', 'datastores']);

/** A service cannot depend on itself, directly or through others. Each cycle is reported once. */
export function checkCycles(graph: InventoryGraph): Diagnostic[] {
  const out: Diagnostic[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];

  const visit = (id: string): void => {
    state.set(id, 'open');
    stack.push(id);
    for (const rel of graph.outgoing(id)) {
      if (!ACYCLIC_FIELDS.has(rel.field)) continue;
      const next = state.get(rel.to);
      if (next === 'open') {
        const cycle = [...stack.slice(stack.indexOf(rel.to)), rel.to];
        const record = graph.get(id)!;
        out.push(at({ file: record.file, positions: record.positions, id }, rel.path, 'error', 'dependency-cycle',
          `dependency cycle: ${cycle.join(' → ')}`,
          'remove one of these dependsOn/datastores entries; a service cannot depend on itself'));
      } else if (next === undefined) {
        visit(rel.to);
      }
    }
    stack.pop();
    state.set(id, 'done');
  };

  for (const service of graph.byKind('service')) {
    if (!state.has(service.id)) visit(service.id);
  }
  return out;
}
