import type { InventoryGraph } from '../graph/graph.ts';
import { SERVICE_CATALOG, widgetNameOf } from '../seeds/desired-widgets.ts';
import { idempotencyKey, type DesiredEvent, type Fact } from './desired-events.ts';
import { DiscoverReportError, WORKLOAD_DISCOVERED, type DiscoveredFinding, type DiscoveredReport } from './discover-report.ts';

/**
 * The events of a cluster discovery report (issue 16): a workload no service
 * record stands for is `ops-service-discovered` on the service catalogue; any
 * other finding is `ops-drift-detected` on the widget of the record it
 * concerns (the cluster's, when no record stands for the object). Keys come
 * from the finding's own key, what caused it, so a re-run of discover and of
 * the sync posts nothing new, and a new cause posts once.
 */

function objectLabel(object: NonNullable<DiscoveredFinding['object']>): string {
  return `${object.kind} ${object.namespace ? `${object.namespace}/` : ''}${object.name}`;
}

export function discoveredEvents(graph: InventoryGraph, report: DiscoveredReport, file: string): DesiredEvent[] {
  const unknown = [...new Set(report.findings.map((f) => f.recordId).filter((id) => !graph.has(id)))];
  if (!graph.has(report.cluster) || unknown.length > 0) {
    const missing = [...new Set([...(graph.has(report.cluster) ? [] : [report.cluster]), ...unknown])].sort();
    throw new DiscoverReportError(
      'sync-discover-report',
      `--discover-report ${file} names records the inventory does not hold (${missing.join(', ')}): run npm run discover again against this inventory`,
    );
  }
  return report.findings.map((finding): DesiredEvent => {
    const discovered = finding.code === WORKLOAD_DISCOVERED;
    const widgetName = discovered ? SERVICE_CATALOG.name : widgetNameOf(graph.get(finding.recordId)!);
    const eventType = discovered ? 'ops-service-discovered' : 'ops-drift-detected';
    const facts: Record<string, Fact> = {
      finding: finding.code,
      cluster: report.cluster,
      message: finding.message,
      ...(finding.hint ? { hint: finding.hint } : {}),
      ...(finding.object ? { object: objectLabel(finding.object) } : {}),
      ...(finding.host ? { host: finding.host } : {}),
      collector: 'discover',
    };
    return {
      recordId: finding.recordId,
      sourcePath: finding.file,
      widgetName,
      eventType,
      idempotencyKey: idempotencyKey(widgetName, eventType, finding.key),
      observedAt: new Date(report.observedAt).toISOString(),
      viewContext: finding.file,
      facts,
    };
  });
}
