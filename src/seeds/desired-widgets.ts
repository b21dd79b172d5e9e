import type { InventoryGraph } from '../graph/graph.ts';
import { layoutOf, widgetTypeOf, type Kind } from '../model/kinds.ts';
import type { AnyRecord } from '../load/model-inventory.ts';
import { RETIRED_STATUSES } from '../model/schemas.ts';
import { SERVICE_CATALOG_WIDGET_TYPE, type WidgetStatus } from '../model/vocabulary.ts';

/** What Inter-Hub should hold: one widget per record, named by the seed convention, and the hub's service catalogue. */
export interface DesiredWidget {
  /** The record it stands for; the service catalogue stands for none. */
  recordId?: string;
  /** Its key in the widget mapping besides its name: the record id, or `service-catalog`. */
  mappingKey: string;
  name: string;
  widgetType: string;
  policyScope: string;
  /** The record's source path in this repo, so a widget traces back to its file. */
  viewContext: string;
  status: WidgetStatus;
}

/** Every widget name ops-hub gives starts with this; other names in the hub are someone else's. */
export const WIDGET_NAME_PREFIX = 'ops-';

/** HF-WP-0001 T05 names: ops-env-local, ops-readiness-gitea-registry, ops-migration-…; other kinds spell their kind. */
const NAME_STEM: Partial<Record<Kind, string>> = {
  environment: 'env',
  'readiness-gate': 'readiness',
  'migration-wave': 'migration',
};

export function widgetNameOf(record: Pick<AnyRecord, 'kind' | 'id'>): string {
  return `${WIDGET_NAME_PREFIX}${NAME_STEM[record.kind] ?? record.kind}-${record.id}`;
}

/**
 * The one aggregate widget of the hub (IHUB-WP-0022): activity-core posts
 * evidence about services the inventory does not hold yet on it, and the sync
 * posts ops-service-discovered there. It spans every environment, hence the
 * production scope; its view context is the folder of the records it aggregates.
 */
export const SERVICE_CATALOG: DesiredWidget = {
  mappingKey: 'service-catalog',
  name: SERVICE_CATALOG_WIDGET_TYPE,
  widgetType: SERVICE_CATALOG_WIDGET_TYPE,
  policyScope: 'ops-production',
  viewContext: layoutOf('service').dir,
  status: 'active',
};

export function desiredWidgetOf(record: AnyRecord): DesiredWidget {
  return {
    recordId: record.id,
    mappingKey: record.id,
    name: widgetNameOf(record),
    widgetType: widgetTypeOf(record.kind),
    policyScope: record.data.policyScope,
    viewContext: record.file,
    status: widgetStatusOf(record),
  };
}

/**
 * A retired record's widget is deprecated. A service, endpoint or backup set
 * in `draft` (drafted by `discover --suggest`, not yet reviewed) is a draft
 * widget; a runbook's `draft` is only its writing stage, and the runbook is in use.
 */
function widgetStatusOf(record: AnyRecord): WidgetStatus {
  if (RETIRED_STATUSES.has(record.data.status)) return 'deprecated';
  return record.data.status === 'draft' && record.kind !== 'runbook' ? 'draft' : 'active';
}

/** One widget per record and the service catalogue, in a stable order (by name). */
export function desiredWidgets(graph: InventoryGraph): DesiredWidget[] {
  return [...graph.all().map(desiredWidgetOf), SERVICE_CATALOG].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
