import { contractSummary, type ContractCheck } from '../output/contract-report.ts';
import type { SyncReport, InterHubRequestStats } from '../output/sync-report.ts';
import type { SyncOutcome } from './apply.ts';
import type { SyncPlan } from './plan.ts';

/** The data of src/output/sync-report.ts from a plan and what apply did: ids, counts, statuses, at most a key prefix. */

export interface ReportContext {
  runId: string;
  mode: 'plan' | 'apply';
  base: string;
  commitSha?: string;
  key?: string;
  startedAt: string;
  finishedAt: string;
  requests: InterHubRequestStats;
}

/** A key's first characters identify it among others without revealing it. */
export function keyPrefix(key: string): string {
  return `${key.slice(0, Math.min(6, Math.floor(key.length / 4)))}…`;
}

function tally<T extends { action: string; status: string }>(items: readonly T[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const i of items) {
    counts[`plan:${i.action}`] = (counts[`plan:${i.action}`] ?? 0) + 1;
    counts[i.status] = (counts[i.status] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function optional<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export function buildReport(plan: SyncPlan, outcome: SyncOutcome, contract: ContractCheck, ctx: ReportContext): SyncReport {
  return optional({
    runId: ctx.runId,
    mode: ctx.mode,
    base: ctx.base,
    hub: plan.hub,
    commitSha: ctx.commitSha,
    keyPrefix: ctx.key ? keyPrefix(ctx.key) : undefined,
    startedAt: ctx.startedAt,
    finishedAt: ctx.finishedAt,
    complete: outcome.complete,
    aborted: outcome.aborted,
    contract: { verdict: contract.verdict, summary: contractSummary(contract) },
    counts: { widgets: tally(outcome.widgets), events: tally(outcome.events), annotations: tally(outcome.annotations) },
    foreignWidgets: plan.foreignWidgets,
    notes: plan.notes,
    widgets: outcome.widgets.map((w) =>
      optional({ name: w.name, recordId: w.recordId, action: w.action, status: w.status, widgetId: w.widgetId, reason: w.reason, differences: w.differences, recovered: w.recovered, error: w.error }),
    ),
    events: outcome.events.map((e) =>
      optional({
        eventType: e.event.eventType,
        recordId: e.event.recordId,
        widgetName: e.event.widgetName,
        widgetId: e.widgetId,
        idempotencyKey: e.event.idempotencyKey,
        observedAt: e.event.observedAt,
        action: e.action,
        status: e.status,
        eventId: e.eventId,
        reason: e.reason,
        recovered: e.recovered,
        error: e.error,
      }),
    ),
    annotations: outcome.annotations.map((a) =>
      optional({
        category: a.category,
        recordId: a.recordId,
        widgetName: a.widgetName,
        widgetId: a.widgetId,
        idempotencyKey: a.idempotencyKey,
        observedAt: a.annotation?.observedAt,
        action: a.action,
        status: a.status,
        annotationId: a.annotationId,
        reason: a.reason,
        recovered: a.recovered,
        error: a.error,
      }),
    ),
    requests: ctx.requests,
  });
}

/**
 * OPS_HUB_WIDGET_MAPPING for activity-core: one flat JSON object from both the
 * record id (`service-catalog` for the service catalogue) and the context key
 * (the widget name) to the widget id; beside them, each annotation ops-hub
 * holds in Inter-Hub, from its idempotency key to its id.
 */
export function widgetMapping(outcome: SyncOutcome): Record<string, string> {
  const entries: Array<[string, string]> = [];
  for (const w of outcome.widgets) {
    if (!w.widgetId || w.action === 'orphan') continue;
    const key = w.desired?.mappingKey ?? w.recordId;
    if (key) entries.push([key, w.widgetId]);
    entries.push([w.name, w.widgetId]);
  }
  for (const a of outcome.annotations) if (a.annotationId && a.action !== 'resolved') entries.push([a.idempotencyKey, a.annotationId]);
  return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
