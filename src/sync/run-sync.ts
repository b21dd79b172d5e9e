import { randomUUID } from 'node:crypto';
import type { InventoryGraph } from '../graph/graph.ts';
import { InterHubClient, type ClientOptions, type Credentials } from '../interhub/client.ts';
import type { SyncReport } from '../output/sync-report.ts';
import { desiredWidgets } from '../seeds/desired-widgets.ts';
import { allOrStop } from './all-or-stop.ts';
import { applyPlan, plannedOutcome, type SyncOutcome } from './apply.ts';
import { checkContract, refuseDisagreeingWrites } from './contract-gate.ts';
import { desiredAnnotations } from './desired-annotations.ts';
import { byWidgetAndKey, desiredEvents } from './desired-events.ts';
import type { DiscoveredReport } from './discover-report.ts';
import { discoveredEvents } from './discovered-events.ts';
import { planSync, type SyncPlan } from './plan.ts';
import { readRemoteState } from './remote-state.ts';
import { buildReport, widgetMapping } from './report.ts';

export interface SyncRunOptions {
  mode: 'plan' | 'apply';
  base: string;
  hub: string;
  credentials: Credentials;
  commitSha?: string;
  /** The published site's base URL: annotation bodies link the record's page. */
  siteUrl?: string;
  /** A cluster discovery report (`--discover-report FILE`) and its file name, for messages. */
  discover?: { report: DiscoveredReport; file: string };
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
 * Inventory graph (and a discovery report) → desired state → Inter-Hub's
 * state and its OpenAPI → plan → (apply, unless a route it is about to write
 * disagrees with the OpenAPI) → report. A run that stops (a read it needs
 * fails, the key is refused) cancels everything it has in flight before it
 * returns or throws.
 */
export async function runSync(graph: InventoryGraph, options: SyncRunOptions): Promise<SyncRun> {
  const startedAt = new Date().toISOString();
  const desired = {
    widgets: desiredWidgets(graph),
    events: byWidgetAndKey([...desiredEvents(graph), ...(options.discover ? discoveredEvents(graph, options.discover.report, options.discover.file) : [])]),
    annotations: desiredAnnotations(graph, options.siteUrl ? { siteUrl: options.siteUrl } : {}),
  };
  const stop = new AbortController();
  const client = new InterHubClient({
    ...options.client,
    base: options.base,
    credentials: options.credentials,
    signal: stop.signal,
    ...(options.log ? { log: options.log } : {}),
  });
  try {
    const [remote, contract] = await allOrStop(stop, [readRemoteState(client, options.hub, stop), checkContract(client)]);
    const plan = planSync(desired, remote, new Date(graph.now).toISOString());
    if (options.mode === 'apply') refuseDisagreeingWrites(contract, plan);
    const trace = options.commitSha ? { commitSha: options.commitSha } : {};
    const outcome = options.mode === 'apply' ? await applyPlan(client, plan, trace, stop) : plannedOutcome(plan);
    const report = buildReport(plan, outcome, contract, {
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
