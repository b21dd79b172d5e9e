import type { InterHubClient } from '../interhub/client.ts';
import { AuthError, CancelledError, ForbiddenError, InterHubError } from '../interhub/errors.ts';
import { eventFilters, eventIdempotencyKey, eventMetadata, eventSchema, type EventCreate } from '../interhub/wire/events.ts';
import { routePath } from '../interhub/wire/routes.ts';
import { widgetFilters, widgetSchema, type WidgetCreate } from '../interhub/wire/widgets.ts';
import type { SyncItemStatus as ItemStatus } from '../output/sync-report.ts';
import type { EventPlan, SyncPlan, WidgetPlan } from './plan.ts';

/**
 * Carries a plan out: widgets first, then the events on them. A create whose
 * answer was lost is looked for before it is sent again (by name for widgets,
 * by idempotency key for events), so a retry never duplicates. An item that
 * fails is recorded, not fatal; an authentication or scope refusal stops the
 * run: what is in flight is cut off and nothing more is attempted.
 */

export interface WidgetOutcome extends WidgetPlan {
  status: ItemStatus;
  /** The answer was lost and the widget was found instead of being sent again. */
  recovered?: boolean;
  error?: string;
}

export interface EventOutcome extends EventPlan {
  status: ItemStatus;
  recovered?: boolean;
  error?: string;
}

export interface SyncOutcome {
  widgets: WidgetOutcome[];
  events: EventOutcome[];
  /** Every planned write was done. */
  complete: boolean;
  /** Why the run stopped early, when it did. */
  aborted?: string;
}

export interface Trace {
  commitSha?: string;
}

const SETTLED: Record<WidgetPlan['action'] | EventPlan['action'], ItemStatus> = {
  create: 'planned',
  post: 'planned',
  unchanged: 'unchanged',
  present: 'present',
  drift: 'reported',
  orphan: 'reported',
  skip: 'skipped',
};

/** The outcome of a plan that is not carried out (`--plan`). */
export function plannedOutcome(plan: SyncPlan): SyncOutcome {
  return {
    widgets: plan.widgets.map((w) => ({ ...w, status: SETTLED[w.action] })),
    events: plan.events.map((e) => ({ ...e, status: SETTLED[e.action] })),
    complete: true,
  };
}

function message(err: unknown): string {
  return err instanceof InterHubError ? err.message : `internal error: ${(err as Error).message}`;
}

/** `stop` is the run's: aborting it cuts off every request of the client in flight. */
export async function applyPlan(client: InterHubClient, plan: SyncPlan, trace: Trace, stop: AbortController): Promise<SyncOutcome> {
  let aborted: string | undefined;
  /** The status of an item whose write threw: a refusal of the key stops the run; what the stop cut off was not done. */
  const failed = (err: unknown): Pick<WidgetOutcome, 'status' | 'error'> => {
    if (err instanceof CancelledError && aborted) return { status: 'not-attempted', error: aborted };
    if (err instanceof AuthError || err instanceof ForbiddenError) {
      aborted ??= message(err);
      stop.abort(err);
    }
    return { status: 'failed', error: message(err) };
  };

  const findWidget = async (name: string) => {
    const all = await client.listAll('widgets', widgetSchema, 'token', widgetFilters(plan.hub.id));
    return all.filter((w) => w.name === name && w.hubId === plan.hub.id).sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1))[0];
  };

  const widgets = await Promise.all(
    plan.widgets.map(async (item): Promise<WidgetOutcome> => {
      if (item.action !== 'create' || !item.desired) return { ...item, status: SETTLED[item.action] };
      if (aborted) return { ...item, status: 'not-attempted', error: aborted };
      const { name, widgetType, policyScope, viewContext, status } = item.desired;
      const body: WidgetCreate = { hubId: plan.hub.id, name, widgetType, policyScope, viewContext, status };
      try {
        const sent = await client.post(routePath('widgets'), body, widgetSchema, 'token', { kind: 'lookup', find: () => findWidget(name) });
        return { ...item, status: 'created', widgetId: sent.value.id, ...(sent.recovered ? { recovered: true } : {}) };
      } catch (err) {
        return { ...item, ...failed(err) };
      }
    }),
  );

  const created = new Map(widgets.flatMap((w) => (w.widgetId ? [[w.name, w.widgetId] as const] : [])));
  const events = await Promise.all(
    plan.events.map(async (item): Promise<EventOutcome> => {
      if (item.action !== 'post') return { ...item, status: SETTLED[item.action] };
      const widgetId = item.widgetId ?? created.get(item.event.widgetName);
      if (!widgetId) return { ...item, status: 'not-attempted', error: `its widget ${item.event.widgetName} was not created` };
      if (aborted) return { ...item, widgetId, status: 'not-attempted', error: aborted };
      const { event } = item;
      const body: EventCreate = {
        widgetId,
        eventType: event.eventType,
        viewContext: event.viewContext,
        metadata: eventMetadata({
          idempotencyKey: event.idempotencyKey,
          observedAt: event.observedAt,
          facts: event.facts,
          trace: { source: 'ops-hub', recordId: event.recordId || undefined, sourcePath: event.sourcePath || undefined, commitSha: trace.commitSha },
        }),
      };
      const find = async () =>
        (await client.listAll('interactionEvents', eventSchema, 'token', eventFilters(widgetId, event.eventType))).find(
          (e) => eventIdempotencyKey(e) === event.idempotencyKey,
        );
      try {
        const sent = await client.post(routePath('interactionEvents'), body, eventSchema, 'token', { kind: 'lookup', find });
        return { ...item, widgetId, status: 'posted', eventId: sent.value.id, ...(sent.recovered ? { recovered: true } : {}) };
      } catch (err) {
        return { ...item, widgetId, ...failed(err) };
      }
    }),
  );

  const incomplete = [...widgets, ...events].some((o) => o.status === 'failed' || o.status === 'not-attempted');
  return { widgets, events, complete: !incomplete, ...(aborted ? { aborted } : {}) };
}
