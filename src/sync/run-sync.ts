import { randomUUID } from 'node:crypto';
import type { InventoryGraph } from '../graph/graph.ts';
import { InterHubClient, type ClientOptions, type Credentials } from '../interhub/client.ts';
import type { SyncReport } from '../output/sync-report.ts';
import { desiredWidgets } from '../seeds/desired-widgets.ts';
import { applyPlan, plannedOutcome, type SyncOutcome } from './apply.ts';
import { desiredEvents } from './desired-events.ts';
import { planSync, type SyncPlan } from './plan.ts';
import { readRemoteState } from './remote-state.ts';
import { buildReport, widgetMapping } from './report.ts';

export interface SyncRunOptions {
  mode: 'plan' | 'apply';
  base: string;
  hub: string;
  credentials: Credentials;
  commitSha?: string;
  /** Retry and recovery lines, already scrubbed of secrets; none once the run has stopped. */
  log?: (line: string) => void;
  client?: Partial<ClientOptions>;
}

export interface SyncRun {
  plan: SyncPlan;
  outcome: SyncOutcome;
  report: SyncReport;
  mapping: Record<string, string>;
}

/**
 * Inventory graph → desired state → Inter-Hub's state → plan → (apply) →
 * report. A run that stops (a read it needs fails, the key is refused)
 * cancels everything it has in flight before it returns or throws.
 */
export async function runSync(graph: InventoryGraph, options: SyncRunOptions): Promise<SyncRun> {
  const startedAt = new Date().toISOString();
  const stop = new AbortController();
  const client = new InterHubClient({
    ...options.client,
    base: options.base,
    credentials: options.credentials,
    signal: stop.signal,
    ...(options.log ? { log: options.log } : {}),
  });
  try {
    const remote = await readRemoteState(client, options.hub, stop);
    const plan = planSync(desiredWidgets(graph), desiredEvents(graph), remote, new Date(graph.now).toISOString());
    const trace = options.commitSha ? { commitSha: options.commitSha } : {};
    const outcome = options.mode === 'apply' ? await applyPlan(client, plan, trace, stop) : plannedOutcome(plan);
    const report = buildReport(plan, outcome, {
      runId: randomUUID(),
      mode: options.mode,
      base: client.base,
      ...(options.commitSha ? { commitSha: options.commitSha } : {}),
      key: options.credentials.clientSecret,
      startedAt,
      finishedAt: new Date().toISOString(),
      requests: structuredClone(client.stats),
    });
    return { plan, outcome, report, mapping: widgetMapping(outcome) };
  } finally {
    await client.close();
  }
}
