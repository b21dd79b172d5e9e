import type { InventoryGraph } from '../graph/graph.ts';
import type { CoverageGap, StoreCoverage } from '../graph/coverage.ts';
import type { AnyRecord, InventoryRecord } from '../load/model-inventory.ts';
import { RETIRED_STATUSES } from '../model/schemas.ts';
import { recordPath } from '../views/paths.ts';
import { widgetNameOf } from '../seeds/desired-widgets.ts';
import { byWidgetAndKey, evidenceFingerprint, idempotencyKey, iso, type Fact } from './desired-events.ts';

/**
 * The annotations the inventory implies (HF-WP-0001 T05: ops widgets "accept
 * interaction events and annotations"): each open risk on every record it
 * affects, each backup-coverage gap on its store, each requirement that blocks
 * a failed or stale gate on the gate. Keys come from the cause and the facts
 * that make it — never from the time of the run — so a cause that persists is
 * posted once, and one that comes back (a new raisedAt, new evidence, other
 * backup sets) gets a new key.
 */
export interface DesiredAnnotation {
  /** The record the annotation is about (the risk, the store, the gate). */
  recordId: string;
  sourcePath: string;
  /** The widget it is posted on. */
  widgetName: string;
  category: string;
  idempotencyKey: string;
  /** When the cause was observed; sent as metadata.attributes.observed_at. */
  observedAt: string;
  /** For people: what, how bad, where to read more. */
  body: string;
  facts: Record<string, Fact>;
}

export interface AnnotationOptions {
  /** The published site's base URL (ends with `/`): bodies link the record's page. */
  siteUrl?: string;
}

const pageOf = (record: AnyRecord, options: AnnotationOptions): string | undefined => (options.siteUrl ? `${options.siteUrl}${recordPath(record.kind, record.id)}` : undefined);

function annotation(record: AnyRecord, widgetName: string, category: string, keyParts: string[], observedAt: string, text: string, facts: Record<string, Fact>, options: AnnotationOptions): DesiredAnnotation {
  const page = pageOf(record, options);
  return {
    recordId: record.id,
    sourcePath: record.file,
    widgetName,
    category,
    idempotencyKey: idempotencyKey(widgetName, category, record.id, ...keyParts),
    observedAt,
    body: page ? `${text} — ${page}` : text,
    facts: { ...facts, ...(page ? { page } : {}) },
  };
}

/** An open (raised) risk, with its own category, on the widget of every record it affects. */
function riskAnnotations(graph: InventoryGraph, risk: InventoryRecord<'risk'>, nowIso: string, options: AnnotationOptions): DesiredAnnotation[] {
  if (risk.data.status !== 'raised') return [];
  const { title, severity, status, category, raisedAt } = risk.data;
  const text = `Risk: ${title} — severity ${severity}, status ${status}`;
  return risk.data.affects.map((id) =>
    annotation(risk as AnyRecord, widgetNameOf(graph.get(id)!), category, [id, raisedAt ?? ''], raisedAt ? iso(raisedAt) : nowIso, text, { risk: risk.id, severity, status, affects: id }, options),
  );
}

const GAP_TEXT: Record<CoverageGap, string> = {
  'no-backup-set': 'no backup set covers it',
  'backup-unverified': 'no backup of it has been verified',
  'backup-failing': 'its last verified backup failed',
  'restore-untested': 'no restore of it has been tested',
  'restore-failing': 'its last restore test failed',
};

/** What makes a gap this gap: the evidence that fails, or the backup sets it is about. */
function gapFacts(graph: InventoryGraph, coverage: StoreCoverage, gap: CoverageGap): string[] {
  if (gap === 'backup-failing') return [evidenceFingerprint(coverage.lastVerifiedBackup!)];
  if (gap === 'restore-failing') return [evidenceFingerprint(coverage.lastRestoreTest!)];
  const sets = gap === 'no-backup-set' ? graph.referrers(coverage.store.id, 'backup-set', 'service').filter((b) => RETIRED_STATUSES.has(b.data.status)) : coverage.backupSets;
  return sets.map((b) => b.id).sort();
}

function backupGapAnnotations(graph: InventoryGraph, coverage: StoreCoverage, nowIso: string, options: AnnotationOptions): DesiredAnnotation[] {
  const store = coverage.store as AnyRecord;
  return coverage.gaps.map((gap) => {
    const failing = gap === 'backup-failing' ? coverage.lastVerifiedBackup : gap === 'restore-failing' ? coverage.lastRestoreTest : undefined;
    const recorded = coverage.gapRisks.map((r) => r.id);
    const text = `Backup gap: ${store.data.title} — ${GAP_TEXT[gap]}${failing ? ` (${failing.summary})` : ''}${recorded.length ? `; recorded as risk ${recorded.join(', ')}` : '; no risk records it'}`;
    const facts = { store: store.id, gap, backupSets: coverage.backupSets.map((b) => b.id), ...(recorded.length ? { risks: recorded } : {}) };
    return annotation(store, widgetNameOf(store), 'ops-backup-gap', [gap, ...gapFacts(graph, coverage, gap)], failing ? iso(failing.observedAt) : nowIso, text, facts, options);
  });
}

/** Each requirement that fails or went stale, on a gate whose effective status is failed or stale. */
function gateBlockerAnnotations(graph: InventoryGraph, gate: InventoryRecord<'readiness-gate'>, options: AnnotationOptions): DesiredAnnotation[] {
  const status = graph.gateStatus(gate.id);
  if (!status || (status.effective !== 'failed' && status.effective !== 'stale')) return [];
  return status.requirements.flatMap((req) => {
    if ((req.state !== 'failing' && req.state !== 'stale') || !req.latest) return [];
    const { evidence, recordId } = req.latest;
    const why = req.state === 'failing' ? `its latest evidence failed: ${evidence.summary}` : `its latest evidence, "${evidence.summary}", is past its max age`;
    const text = `Readiness blocker: gate ${gate.data.title} is ${status.effective} — requirement ${req.name} (${req.description}): ${why} (observed ${evidence.observedAt}${recordId !== gate.id ? ` on ${recordId}` : ''})`;
    const facts = { gate: gate.id, effectiveStatus: status.effective, requirement: req.name, state: req.state, evidenceOn: recordId, ...(gate.data.wave ? { wave: gate.data.wave } : {}) };
    return [annotation(gate as AnyRecord, widgetNameOf(gate), 'ops-readiness-blocker', [req.name, req.state, `${recordId}:${evidenceFingerprint(evidence)}`], iso(evidence.observedAt), text, facts, options)];
  });
}

/** Every annotation the inventory implies, in a stable order. */
export function desiredAnnotations(graph: InventoryGraph, options: AnnotationOptions = {}): DesiredAnnotation[] {
  const nowIso = new Date(graph.now).toISOString();
  const out: DesiredAnnotation[] = [];
  for (const risk of graph.byKind('risk')) out.push(...riskAnnotations(graph, risk, nowIso, options));
  for (const coverage of graph.backupCoverage()) out.push(...backupGapAnnotations(graph, coverage, nowIso, options));
  for (const gate of graph.byKind('readiness-gate')) out.push(...gateBlockerAnnotations(graph, gate, options));
  return byWidgetAndKey(out);
}
