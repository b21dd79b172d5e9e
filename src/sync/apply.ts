import type { z } from 'zod';
import type { InterHubClient } from '../interhub/client.ts';
import { AuthError, CancelledError, ForbiddenError, InterHubError } from '../interhub/errors.ts';
import { annotationFilters, annotationSchema, type AnnotationCreate } from '../interhub/wire/annotations.ts';
import { eventFilters, eventSchema, type EventCreate } from '../interhub/wire/events.ts';
import type { ListFilters } from '../interhub/wire/lists.ts';
import { idempotencyKeyOf, ourMetadata } from '../interhub/wire/metadata.ts';
import { routePath } from '../interhub/wire/routes.ts';
import { widgetFilters, widgetSchema, type WidgetCreate } from '../interhub/wire/widgets.ts';
import type { SyncItemStatus as ItemStatus } from '../output/sync-report.ts';
import type { AnnotationPlan } from './plan-annotations.ts';
import type { EventPlan, SyncPlan, WidgetPlan } from './plan.ts';

/**
 * Carries a plan out: widgets first, then the events and annotations on them.
 * A create whose answer was lost is looked for before it is sent again (by
 * name for widgets, by idempotency key for events and annotations), so a
 * retry never duplicates. An item that fails is recorded, not fatal; an
 * authentication or scope refusal stops the run: what is in flight is cut off
 * and nothing more is attempted.
 */

interface Outcome {
  status: ItemStatus;
  /** The answer was lost and the item was found instead of being sent again. */
  recovered?: boolean;
  error?: string;
}

export type WidgetOutcome = WidgetPlan & Outcome;
export type EventOutcome = EventPlan & Outcome;
export type AnnotationOutcome = AnnotationPlan & Outcome;

export interface SyncOutcome {
  widgets: WidgetOutcome[];
  events: EventOutcome[];
  annotations: AnnotationOutcome[];
  /** Every planned write was done. */
  complete: boolean;
  /** Why the run stopped early, when it did. */
  aborted?: string;
}

export interface Trace {
  commitSha?: string;
}

const SETTLED: Record<WidgetPlan['action'] | EventPlan['action'] | AnnotationPlan['action'], ItemStatus> = {
  create: 'planned',
  post: 'planned',
  unchanged: 'unchanged',
  present: 'present',
  drift: 'reported',
  orphan: 'reported',
  resolved: 'resolved',
  skip: 'skipped',
};

/** The outcome of a plan that is not carried out (`--plan`). */
export function plannedOutcome(plan: SyncPlan): SyncOutcome {
  const settled = <T extends { action: keyof typeof SETTLED }>(items: T[]) => items.map((i) => ({ ...i, status: SETTLED[i.action] }));
  return { widgets: settled(plan.widgets), events: settled(plan.events), annotations: settled(plan.annotations), complete: true };
}

function message(err: unknown): string {
  return err instanceof InterHubError ? err.message : `internal error: ${(err as Error).message}`;
}

/** `stop` is the run's: aborting it cuts off every request of the client in flight. */
export async function applyPlan(client: InterHubClient, plan: SyncPlan, trace: Trace, stop: AbortController): Promise<SyncOutcome> {
  let aborted: string | undefined;
  /** The status of an item whose write threw: a refusal of the key stops the run; what the stop cut off was not done. */
  const failed = (err: unknown): Outcome => {
    if (err instanceof CancelledError && aborted) return { status: 'not-attempted', error: aborted };
    if (err instanceof AuthError || err instanceof ForbiddenError) {
      aborted ??= message(err);
      stop.abort(err);
    }
    return { status: 'failed', error: message(err) };
  };
  const traced = (recordId: string, sourcePath: string) => ({ source: 'ops-hub', recordId: recordId || undefined, sourcePath: sourcePath || undefined, commitSha: trace.commitSha });

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
  /**
   * A keyed post on a widget (an event or an annotation): `request` builds it
   * for the widget's id, known or just created; when its answer is lost, it
   * is looked up in its list by idempotency key before it is ever sent again.
   */
  const postKeyed = async <T extends { action: string; widgetId?: string }, R extends { id: string; metadata?: Record<string, unknown> | null | undefined }>(
    item: T,
    widgetName: string,
    idempotencyKey: string,
    request: (widgetId: string) => { route: 'interactionEvents' | 'annotations'; body: EventCreate | AnnotationCreate; schema: z.ZodType<R>; filters: ListFilters },
  ): Promise<T & Outcome & { id?: string }> => {
    if (item.action !== 'post') return { ...item, status: SETTLED[item.action as keyof typeof SETTLED] };
    const widgetId = item.widgetId ?? created.get(widgetName);
    if (!widgetId) return { ...item, status: 'not-attempted', error: `its widget ${widgetName} was not created` };
    if (aborted) return { ...item, widgetId, status: 'not-attempted', error: aborted };
    const { route, body, schema, filters } = request(widgetId);
    const find = async () => (await client.listAll(route, schema, 'token', filters)).find((r) => idempotencyKeyOf(r) === idempotencyKey);
    try {
      const sent = await client.post(routePath(route), body, schema, 'token', { kind: 'lookup', find });
      return { ...item, widgetId, status: 'posted', id: sent.value.id, ...(sent.recovered ? { recovered: true } : {}) };
    } catch (err) {
      return { ...item, widgetId, ...failed(err) };
    }
  };
  const metadata = (of: { idempotencyKey: string; observedAt: string; facts: Record<string, unknown>; recordId: string; sourcePath: string }) =>
    ourMetadata({ idempotencyKey: of.idempotencyKey, observedAt: of.observedAt, facts: of.facts, trace: traced(of.recordId, of.sourcePath) });

  const [events, annotations] = await Promise.all([
    Promise.all(
      plan.events.map(async (item): Promise<EventOutcome> => {
        const { event } = item;
        const { id, ...outcome } = await postKeyed(item, event.widgetName, event.idempotencyKey, (widgetId) => ({
          route: 'interactionEvents',
          body: { widgetId, eventType: event.eventType, viewContext: event.viewContext, metadata: metadata(event) } satisfies EventCreate,
          schema: eventSchema,
          filters: eventFilters(widgetId, event.eventType),
        }));
        return { ...outcome, ...(id ? { eventId: id } : {}) };
      }),
    ),
    Promise.all(
      plan.annotations.map(async (item): Promise<AnnotationOutcome> => {
        const { annotation } = item;
        if (!annotation) return { ...item, status: SETTLED[item.action] };
        const { id, ...outcome } = await postKeyed(item, annotation.widgetName, annotation.idempotencyKey, (widgetId) => ({
          route: 'annotations',
          body: { widgetId, category: annotation.category, body: annotation.body, metadata: metadata(annotation) } satisfies AnnotationCreate,
          schema: annotationSchema,
          filters: annotationFilters(widgetId, annotation.category),
        }));
        return { ...outcome, ...(id ? { annotationId: id } : {}) };
      }),
    ),
  ]);

  const incomplete = [...widgets, ...events, ...annotations].some((o) => o.status === 'failed' || o.status === 'not-attempted');
  return { widgets, events, annotations, complete: !incomplete, ...(aborted ? { aborted } : {}) };
}
