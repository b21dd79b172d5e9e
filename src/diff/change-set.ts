import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { InventoryGraph } from '../graph/graph.ts';
import type { InventoryModel, OpenedInventory } from '../inventory.ts';
import type { AnyRecord } from '../load/model-inventory.ts';
import type { ChangeSet, FieldChange, GateTransition, RecordChange, RecordStatus, RelationChange, WaveChange } from '../output/diff-report.ts';
import { flattenFields } from '../views/fields.ts';
import { waveSummary, waveTitle } from '../views/gates.ts';
import { changeImpact } from './impact.ts';

/**
 * What a change does to the inventory, from the graphs of both sides: pure,
 * so the Markdown and JSON outputs (src/output/diff-report.ts) are two
 * printers of the same facts.
 */

/** Body of a record without its identity, so a renamed record compares equal to its old self. */
function fieldsOf(record: AnyRecord): Map<string, unknown> {
  const { id: _id, ...rest } = record.data as Record<string, unknown>;
  const fields = flattenFields(rest);
  if (record.body !== undefined) fields.set('body', record.body.trim());
  return fields;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Fields before → after; an added record lists all its fields as after, a removed one as before. */
function fieldChanges(before: AnyRecord | undefined, after: AnyRecord | undefined): FieldChange[] {
  const a = before ? fieldsOf(before) : new Map<string, unknown>();
  const b = after ? fieldsOf(after) : new Map<string, unknown>();
  const paths = [...new Set([...a.keys(), ...b.keys()])];
  return paths
    .filter((p) => !sameValue(a.get(p), b.get(p)))
    .map((p) => ({ path: p, ...(a.has(p) ? { before: a.get(p) } : {}), ...(b.has(p) ? { after: b.get(p) } : {}) }));
}

function relationsOf(graph: InventoryGraph, id: string): Map<string, RelationChange> {
  return new Map(graph.outgoing(id).map((r) => [`${r.field}\0${r.to}`, { field: r.field, to: r.to }]));
}

function relationChanges(base: InventoryGraph, baseId: string | undefined, head: InventoryGraph, headId: string | undefined): RecordChange['relations'] {
  const a = baseId ? relationsOf(base, baseId) : new Map<string, RelationChange>();
  const b = headId ? relationsOf(head, headId) : new Map<string, RelationChange>();
  return {
    gained: [...b].filter(([k]) => !a.has(k)).map(([, r]) => r),
    lost: [...a].filter(([k]) => !b.has(k)).map(([, r]) => r),
  };
}

function bodyKey(record: AnyRecord): string {
  return `${record.kind}\0${JSON.stringify([...fieldsOf(record)].sort(([x], [y]) => (x < y ? -1 : 1)))}`;
}

function diagnosticKey(d: Diagnostic): string {
  return `${d.file}\0${d.code}\0${d.message}`;
}

const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * `baseDiagnostics` is asked for only when the head has errors (to tell the
 * new ones): a clean head spares running the checks over the base.
 */
export function compareInventories(base: InventoryModel, head: OpenedInventory, baseDiagnostics: () => readonly Diagnostic[]): ChangeSet {
  const bg = base.graph;
  const hg = head.graph;
  const records: RecordChange[] = [];
  const removed = bg.all().filter((r) => !hg.has(r.id));
  const added = hg.all().filter((r) => !bg.has(r.id));

  // A record whose id changed but whose content did not is a rename, not a removal and an addition.
  const removedByBody = new Map<string, AnyRecord[]>();
  for (const r of removed) removedByBody.set(bodyKey(r), [...(removedByBody.get(bodyKey(r)) ?? []), r]);
  const renamedFrom = new Map<string, AnyRecord>();
  for (const r of added) {
    const twin = removedByBody.get(bodyKey(r))?.shift();
    if (twin) renamedFrom.set(r.id, twin);
  }
  const renamedAway = new Set([...renamedFrom.values()].map((r) => r.id));

  const change = (status: RecordStatus, record: AnyRecord, before: AnyRecord | undefined, graphs: { baseId?: string; headId?: string }): RecordChange => ({
    id: record.id,
    kind: record.kind,
    title: record.data.title,
    status,
    file: record.file,
    ...(before && (status === 'renamed' || status === 'moved') ? { before: { id: before.id, kind: before.kind, file: before.file } } : {}),
    fields: status === 'added' ? fieldChanges(undefined, record) : status === 'removed' ? fieldChanges(record, undefined) : fieldChanges(before, record),
    relations: relationChanges(bg, graphs.baseId, hg, graphs.headId),
  });

  for (const r of added) {
    const from = renamedFrom.get(r.id);
    records.push(from ? change('renamed', r, from, { baseId: from.id, headId: r.id }) : change('added', r, undefined, { headId: r.id }));
  }
  for (const r of removed) if (!renamedAway.has(r.id)) records.push(change('removed', r, undefined, { baseId: r.id }));
  for (const after of hg.all()) {
    const before = bg.get(after.id);
    if (!before) continue;
    if (before.kind !== after.kind) {
      records.push(change('moved', after, before, { baseId: before.id, headId: after.id }));
      continue;
    }
    // Same content (or same data) means the same fields and relations: most records of a big inventory stop here.
    if (before.file === after.file && ((before.key !== undefined && before.key === after.key) || (before.body === after.body && sameValue(before.data, after.data)))) continue;
    const c = change('changed', after, before, { baseId: before.id, headId: after.id });
    if (c.fields.length > 0 || c.relations.gained.length > 0 || c.relations.lost.length > 0 || before.file !== after.file) records.push(c);
  }
  records.sort(byId);

  const gateIds = [...new Set([...bg.gateStatuses().keys(), ...hg.gateStatuses().keys()])].sort();
  const gates: GateTransition[] = gateIds.flatMap((id) => {
    const before = bg.gateStatus(id)?.effective;
    const after = hg.gateStatus(id)?.effective;
    if (before === after) return [];
    const title = (hg.get(id) ?? bg.get(id))!.data.title;
    return [{ id, title, ...(before ? { before } : {}), ...(after ? { after } : {}) }];
  });

  const wavesOf = (g: InventoryGraph) => new Map(g.waveReadiness().map((w) => [w.wave.id, { title: waveTitle(g, w), summary: waveSummary(w), verdict: w.verdict }]));
  const wb = wavesOf(bg);
  const wh = wavesOf(hg);
  const waves: WaveChange[] = [...new Set([...wb.keys(), ...wh.keys()])].sort().map((id) => {
    const b = wb.get(id);
    const h = wh.get(id);
    return {
      id,
      title: (h ?? b)!.title,
      ...(b ? { before: b.summary, verdictBefore: b.verdict } : {}),
      ...(h ? { after: h.summary, verdictAfter: h.verdict } : {}),
    };
  });

  const headErrors = head.diagnostics.filter((d) => d.severity === 'error');
  const baseErrors = new Set(headErrors.length > 0 ? baseDiagnostics().filter((d) => d.severity === 'error').map(diagnosticKey) : []);
  const newErrors = headErrors.filter((d) => !baseErrors.has(diagnosticKey(d)));
  const count = (s: RecordStatus) => records.filter((r) => r.status === s).length;
  return {
    summary: {
      added: count('added'),
      removed: count('removed'),
      changed: count('changed'),
      renamed: count('renamed'),
      moved: count('moved'),
      gateTransitions: gates.length,
      newErrors: newErrors.length,
    },
    gates,
    waves,
    impact: changeImpact(records, bg, hg),
    records,
    headDiagnostics: head.diagnostics,
    newErrors,
  };
}
