import type { InventoryGraph } from '../graph/graph.ts';
import type { Kind } from '../model/kinds.ts';
import type { AnyRecord } from '../load/model-inventory.ts';
import { fieldText } from './fields.ts';

/** A table cell: text, or references rendered as links. */
export type Cell = { text: string } | { refs: string[] };

export interface Column {
  label: string;
  cell: (record: AnyRecord, graph: InventoryGraph) => Cell;
}

const text = (value: unknown): Cell => ({ text: fieldText(value) });
const refs = (...ids: Array<string | string[] | undefined>): Cell => ({ refs: ids.flat().filter((v): v is string => !!v) });
const field = (label: string, pick: (data: Record<string, unknown>) => unknown): Column => ({
  label,
  cell: (r) => text(pick(r.data as Record<string, unknown>)),
});
const ref = (label: string, pick: (data: Record<string, unknown>) => string | string[] | undefined): Column => ({
  label,
  cell: (r) => refs(pick(r.data as Record<string, unknown>)),
});

/** The key fields of each kind's index table, besides title, status and owner. */
export const INDEX_COLUMNS: Record<Kind, Column[]> = {
  environment: [field('Role', (d) => d.role)],
  host: [ref('Environment', (d) => d.environment as string), field('Public IP', (d) => d.publicIp)],
  cluster: [ref('Environment', (d) => d.environment as string), ref('Hosts', (d) => d.hosts as string[]), field('Distribution', (d) => d.distribution)],
  service: [
    ref('Environment', (d) => d.environment as string),
    ref('Runs on', (d) => (d.cluster ?? d.host) as string | undefined),
    field('Category', (d) => d.category),
    field('Persistent', (d) => (d.persistent ? 'yes' : '')),
  ],
  endpoint: [ref('Service', (d) => d.service as string), field('URL', (d) => d.url), field('Expects', (d) => (d.expect as { status: number }).status)],
  release: [ref('Service', (d) => d.service as string), field('Version', (d) => d.version), field('Observed', (d) => d.observedAt)],
  'backup-set': [ref('Store', (d) => d.service as string), field('Schedule', (d) => d.schedule), field('Retention', (d) => d.retention)],
  runbook: [ref('Services', (d) => d.services as string[] | undefined)],
  incident: [field('Severity', (d) => d.severity), ref('Services', (d) => d.services as string[]), field('Started', (d) => d.startedAt)],
  'readiness-gate': [ref('Wave', (d) => d.wave as string | undefined)],
  'migration-wave': [ref('From', (d) => d.from as string), ref('To', (d) => d.to as string)],
  risk: [field('Severity', (d) => d.severity), field('Category', (d) => d.category), ref('Affects', (d) => d.affects as string[])],
};
