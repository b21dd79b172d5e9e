import pLimit from 'p-limit';
import { didYouMean } from '../util/did-you-mean.ts';
import type { InventoryGraph } from '../graph/graph.ts';
import type { Evidence } from '../model/evidence.ts';
import type { InventoryRecord } from '../load/model-inventory.ts';
import { RETIRED_STATUSES } from '../model/schemas.ts';
import { isoSeconds } from '../model/time.ts';
import { BOOTSTRAP_GATE, bootstrapGateOf, defaultGateBase, probeGate, type GateObservation } from './bootstrap-gate.ts';
import { endpointEvidence, gateEvidence } from './evidence-of.ts';
import type { EvidenceTarget } from './evidence-plan.ts';
import { probeEndpoint, type EndpointObservation, type ProbeOptions } from './probe-endpoint.ts';
import { isProbeEvidenceFor } from './refresh.ts';
import { ProbeSelectionError } from './selection-error.ts';

/** How long probe evidence counts when neither `--max-age` nor the previous probe item says: a week of missed daily runs. */
export const DEFAULT_PROBE_MAX_AGE = 'P7D';

export interface ProbeSelection {
  endpoints: InventoryRecord<'endpoint'>[];
  gate?: { record: InventoryRecord<'readiness-gate'>; base: string };
  /** What is not probed this run, and why. */
  skipped: Array<{ id: string; reason: string }>;
}

export interface SelectOptions {
  /** Ids to probe (endpoints, or the bootstrap gate); all by default. */
  only?: readonly string[];
  /** Leave out 127.0.0.1/localhost: from a CI runner they are the runner, not the operator's machine. */
  skipLoopback?: boolean;
  /** The Inter-Hub base for the gate probe; default the origin of the gate's endpoint. */
  gateBase?: string;
}

export interface ProbeRun {
  /** The moment every observation of this run is recorded at. */
  observedAt: string;
  endpoints: EndpointObservation[];
  gate?: GateObservation;
}

/** What to probe: every endpoint that is not retired, and the bootstrap gate; `only` narrows it (unknown ids are ProbeSelectionErrors). */
export function selectProbes(graph: InventoryGraph, options: SelectOptions = {}): ProbeSelection {
  const gate = bootstrapGateOf(graph);
  if (options.gateBase && !gate) throw new ProbeSelectionError('probe-no-bootstrap-gate', `--gate-base: this inventory has no gate ${BOOTSTRAP_GATE.id} with the requirement ${BOOTSTRAP_GATE.requirement}`);
  const endpoints = graph.byKind('endpoint');
  const probeable = [...endpoints.map((e) => e.id), ...(gate ? [gate.id] : [])];
  const only = options.only ? new Set(options.only) : undefined;
  for (const id of only ?? []) {
    if (probeable.includes(id)) continue;
    const record = graph.get(id);
    if (record) throw new ProbeSelectionError('probe-not-probed-kind', `--only: "${id}" is a ${record.kind}; the probe checks endpoints${gate ? ` and the gate ${gate.id}` : ''}`);
    const hint = didYouMean(id, probeable);
    throw new ProbeSelectionError('probe-unknown-id', `--only: no endpoint or probed gate has the id "${id}"${hint ? ` — ${hint}` : ''}`);
  }
  const skipped: ProbeSelection['skipped'] = [];
  const chosen = endpoints.filter((e) => {
    if (only) return only.has(e.id);
    if (RETIRED_STATUSES.has(e.data.status)) skipped.push({ id: e.id, reason: `status ${e.data.status}` });
    return !RETIRED_STATUSES.has(e.data.status);
  });
  const selected = chosen.filter((e) => {
    const local = options.skipLoopback === true && isLoopback(e.data.url);
    if (local) skipped.push({ id: e.id, reason: 'loopback URL (--skip-loopback)' });
    return !local;
  });
  let gateTarget: ProbeSelection['gate'];
  if (gate && (!only || only.has(gate.id))) {
    const base = options.gateBase ?? defaultGateBase(graph, gate);
    if (!base) skipped.push({ id: gate.id, reason: 'no endpoint of the gate gives its Inter-Hub base; pass --gate-base' });
    else if (options.skipLoopback && isLoopback(base)) skipped.push({ id: gate.id, reason: 'loopback URL (--skip-loopback)' });
    else gateTarget = { record: gate, base };
  }
  return { endpoints: selected, ...(gateTarget ? { gate: gateTarget } : {}), skipped };
}

function isLoopback(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** Probes everything selected, at most `concurrency` at a time; each probe is bounded by the timeout. */
export async function runProbes(selection: ProbeSelection, options: ProbeOptions & { concurrency: number; now: number }): Promise<ProbeRun> {
  const limit = pLimit(options.concurrency);
  const [endpoints, gate] = await Promise.all([
    Promise.all(selection.endpoints.map((e) => limit(() => probeEndpoint({ id: e.id, url: e.data.url, method: e.data.method ?? 'GET', expect: e.data.expect }, options)))),
    selection.gate ? limit(() => probeGate(selection.gate!.record.id, selection.gate!.base, { timeoutMs: options.timeoutMs, now: new Date(options.now) })) : undefined,
  ]);
  return { observedAt: isoSeconds(options.now), endpoints, ...(gate ? { gate } : {}) };
}

/**
 * The evidence each observation becomes. Its max age: `--max-age` when given,
 * else the one on the probe item it replaces (a reviewer may tune it there),
 * else DEFAULT_PROBE_MAX_AGE.
 */
export function evidenceTargets(graph: InventoryGraph, run: ProbeRun, maxAge?: string): EvidenceTarget[] {
  const stamp = (evidence: readonly Evidence[] | undefined, requirement?: string) => ({
    observedAt: run.observedAt,
    maxAge: maxAge ?? (evidence ?? []).find(isProbeEvidenceFor(requirement))?.maxAge ?? DEFAULT_PROBE_MAX_AGE,
  });
  const targets: EvidenceTarget[] = run.endpoints.map((o) => {
    const record = graph.get(o.id) as InventoryRecord<'endpoint'>;
    return { record, item: endpointEvidence(o, stamp(record.data.evidence)) };
  });
  if (run.gate) {
    const record = graph.get(run.gate.gateId) as InventoryRecord<'readiness-gate'>;
    targets.push({ record, item: gateEvidence(run.gate, stamp(record.data.evidence, run.gate.requirement)) });
  }
  return targets;
}
