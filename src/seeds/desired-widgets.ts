import type { InventoryGraph } from '../graph/graph.ts';
import { widgetTypeOf, type Kind } from '../model/kinds.ts';
import type { AnyRecord } from '../load/model-inventory.ts';
import { RETIRED_STATUSES } from '../model/schemas.ts';
import type { WidgetStatus } from '../model/vocabulary.ts';

/** What Inter-Hub should hold for one record: its widget, named by the seed convention. */
export interface DesiredWidget {
  recordId: string;
  kind: Kind;
  name: string;
  widgetType: string;
  policyScope: string;
  /** The record's source path in this repo, so a widget traces back to its file. */
  viewContext: string;
  status: WidgetStatus;
}

/** Every widget name ops-hub gives starts with this; other names in the hub are someone else's. */
export const WIDGET_NAME_PREFIX = 'ops-';

/** Seed 000 T05 names: ops-env-local, ops-readiness-gitea-registry, ops-migration-…; other kinds spell their kind. */
const NAME_STEM: Partial<Record<Kind, string>> = {
  environment: 'env',
  'readiness-gate': 'readiness',
  'migration-wave': 'migration',
};

export function widgetNameOf(record: Pick<AnyRecord, 'kind' | 'id'>): string {
  return `${WIDGET_NAME_PREFIX}${NAME_STEM[record.kind] ?? record.kind}-${record.id}`;
}

export function desiredWidgetOf(record: AnyRecord): DesiredWidget {
  return {
    recordId: record.id,
    kind: record.kind,
    name: widgetNameOf(record),
    widgetType: widgetTypeOf(record.kind),
    policyScope: record.data.policyScope,
    viewContext: record.file,
    status: RETIRED_STATUSES.has(record.data.status) ? 'deprecated' : 'active',
  };
}

/** One widget per record, in a stable order (by name). */
export function desiredWidgets(graph: InventoryGraph): DesiredWidget[] {
  return graph
    .all()
    .map(desiredWidgetOf)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
