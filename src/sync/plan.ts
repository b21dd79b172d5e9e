import type { InteractionEvent } from '../interhub/wire/events.ts';
import { idempotencyKeyOf, observedAtOf } from '../interhub/wire/metadata.ts';
import type { Widget } from '../interhub/wire/widgets.ts';
import type { SyncFieldDifference as FieldDifference } from '../output/sync-report.ts';
import { idempotencyKey, type DesiredEvent } from './desired-events.ts';
import { WIDGET_NAME_PREFIX, type DesiredWidget } from '../seeds/desired-widgets.ts';
import { InputError } from '../util/input-error.ts';
import type { DesiredAnnotation } from './desired-annotations.ts';
import { planAnnotations, type AnnotationPlan } from './plan-annotations.ts';
import { ANNOTATIONS_UNAVAILABLE, type RemoteState } from './remote-state.ts';
import { unavailableNote } from './route-needs.ts';

/**
 * Desired state (from the inventory graph) against Inter-Hub's state: what to
 * create, what is already there, what differs and cannot be fixed (there is
 * no update or delete endpoint), and which events and annotations to post. Pure.
 */

/** Two desired widgets under one name or mapping key: a record whose id spells the service catalogue's. */
export class WidgetNameError extends InputError<'sync-widget-name-taken'> {}

export type WidgetAction = 'create' | 'unchanged' | 'drift' | 'orphan' | 'skip';
export type EventAction = 'post' | 'present' | 'skip';

export interface WidgetPlan {
  action: WidgetAction;
  name: string;
  recordId?: string;
  /** The existing widget (unchanged, drift, orphan). */
  widgetId?: string;
  desired?: DesiredWidget;
  reason?: string;
  differences?: FieldDifference[];
}

export interface EventPlan {
  action: EventAction;
  event: DesiredEvent;
  /** Known when the widget exists already; otherwise filled in by apply once it is created. */
  widgetId?: string;
  /** The event already in Inter-Hub (present). */
  eventId?: string;
  reason?: string;
}

export interface SyncPlan {
  hub: { id: string; slug: string };
  widgets: WidgetPlan[];
  events: EventPlan[];
  annotations: AnnotationPlan[];
  /** Widgets of the hub outside ops-hub's `ops-` names: someone else's, left alone. */
  foreignWidgets: number;
  notes: string[];
}

const COMPARED = ['widgetType', 'policyScope', 'viewContext', 'status'] as const;

function differencesOf(desired: DesiredWidget, remote: Widget): FieldDifference[] {
  return COMPARED.filter((f) => (remote[f] ?? null) !== desired[f]).map((f) => ({ field: f, inventory: desired[f], interhub: remote[f] ?? null }));
}

function byCreated(a: Widget, b: Widget): number {
  return a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1;
}

/** The latest gate status the hub has been told, by observed time. */
function lastAnnouncedGateStatus(events: readonly InteractionEvent[]): string | undefined {
  const gateEvents = events.filter((e) => e.eventType === 'ops-migration-gate-passed' || e.eventType === 'ops-migration-gate-failed');
  const when = (e: InteractionEvent) => observedAtOf(e) ?? e.occurredAt;
  gateEvents.sort((a, b) => (when(a) === when(b) ? (a.occurredAt < b.occurredAt ? -1 : 1) : when(a) < when(b) ? -1 : 1));
  return gateEvents.at(-1)?.eventType;
}

function driftEvent(widget: Widget, desired: DesiredWidget | undefined, differences: FieldDifference[], observedAt: string): DesiredEvent {
  const recordId = desired?.recordId;
  const fingerprint = differences.map((d) => `${d.field}:${d.inventory ?? ''}→${d.interhub ?? ''}`).sort();
  return {
    recordId: recordId ?? '',
    sourcePath: desired?.viewContext ?? widget.viewContext ?? '',
    widgetName: widget.name,
    eventType: 'ops-drift-detected',
    idempotencyKey: idempotencyKey(widget.name, 'ops-drift-detected', widget.id, ...fingerprint),
    observedAt,
    viewContext: desired?.viewContext ?? widget.viewContext ?? widget.name,
    facts: {
      drift: recordId ? (differences.some((d) => d.field === 'duplicate') ? 'duplicate' : 'fields') : 'orphan',
      ...Object.fromEntries(differences.map((d) => [d.field, `inventory: ${d.inventory ?? '—'}; inter-hub: ${d.interhub ?? '—'}`])),
    },
  };
}

function refuseTakenNames(desired: readonly DesiredWidget[]): void {
  for (const field of ['name', 'mappingKey'] as const) {
    const seen = new Map<string, DesiredWidget>();
    for (const d of desired) {
      const other = seen.get(d[field]);
      if (other) {
        const who = (w: DesiredWidget) => (w.recordId ? `record ${w.recordId}` : `the ${w.name} widget`);
        throw new WidgetNameError('sync-widget-name-taken', `${who(other)} and ${who(d)} both give the widget ${field === 'name' ? 'name' : 'mapping key'} "${d[field]}": rename the record (its id)`);
      }
      seen.set(d[field], d);
    }
  }
}

export interface DesiredState {
  widgets: readonly DesiredWidget[];
  events: readonly DesiredEvent[];
  annotations: readonly DesiredAnnotation[];
}

export function planSync(desired: DesiredState, remote: RemoteState, nowIso: string): SyncPlan {
  const { widgets: desiredWidgets, events: desiredEvents } = desired;
  refuseTakenNames(desiredWidgets);
  const { registries } = remote;
  const notes = remote.unavailable.map(unavailableNote);

  const remoteByName = new Map<string, Widget[]>();
  let foreignWidgets = 0;
  for (const w of remote.widgets) {
    if (!w.name.startsWith(WIDGET_NAME_PREFIX)) {
      foreignWidgets++;
      continue;
    }
    remoteByName.set(w.name, [...(remoteByName.get(w.name) ?? []), w]);
  }

  const widgets: WidgetPlan[] = [];
  const drifts: DesiredEvent[] = [];
  const widgetIdOf = new Map<string, string>();
  const skippedWidget = new Map<string, string>();
  const desiredNames = new Set(desiredWidgets.map((d) => d.name));

  for (const desired of desiredWidgets) {
    const base = { name: desired.name, recordId: desired.recordId, desired };
    const existing = (remoteByName.get(desired.name) ?? []).sort(byCreated);
    const [first, ...extra] = existing;
    if (first) {
      widgetIdOf.set(desired.name, first.id);
      const differences = differencesOf(desired, first);
      // A duplicate name is what a blind retry leaves behind; the oldest widget is the one kept.
      for (const dup of extra) differences.push({ field: 'duplicate', inventory: first.id, interhub: dup.id });
      if (differences.length === 0) widgets.push({ ...base, action: 'unchanged', widgetId: first.id });
      else {
        widgets.push({ ...base, action: 'drift', widgetId: first.id, differences, reason: 'Inter-Hub differs and has no update endpoint: reported, not changed' });
        drifts.push(driftEvent(first, desired, differences, nowIso));
      }
      continue;
    }
    const undeclared = !registries.widgetTypes.has(desired.widgetType)
      ? `widget type "${desired.widgetType}" is not in Inter-Hub's widget-type registry`
      : registries.policyScopes && !registries.policyScopes.has(desired.policyScope)
        ? `policy scope "${desired.policyScope}" is not in Inter-Hub's policy-scope registry`
        : undefined;
    if (undeclared) {
      widgets.push({ ...base, action: 'skip', reason: `${undeclared} (declare it in the active ops-hub manifest)` });
      skippedWidget.set(desired.name, undeclared);
    } else widgets.push({ ...base, action: 'create' });
  }

  for (const [name, list] of remoteByName) {
    if (desiredNames.has(name)) continue;
    for (const w of list) {
      const differences: FieldDifference[] = [{ field: 'viewContext', inventory: null, interhub: w.viewContext ?? null }];
      widgets.push({ action: 'orphan', name, widgetId: w.id, reason: 'the inventory no longer has this record: reported, never deleted', differences });
      drifts.push(driftEvent(w, undefined, differences, nowIso));
      widgetIdOf.set(name, w.id);
    }
  }

  const remoteByKey = new Map<string, InteractionEvent>();
  const remoteByWidget = new Map<string, InteractionEvent[]>();
  for (const e of remote.events) {
    const key = idempotencyKeyOf(e);
    if (key !== undefined && !remoteByKey.has(key)) remoteByKey.set(key, e);
    remoteByWidget.set(e.widgetId, [...(remoteByWidget.get(e.widgetId) ?? []), e]);
  }

  const events: EventPlan[] = [];
  for (const event of [...desiredEvents, ...drifts]) {
    const widgetId = widgetIdOf.get(event.widgetName);
    const withWidget = widgetId ? { widgetId } : {};
    const present = remoteByKey.get(event.idempotencyKey);
    if (present) {
      events.push({ action: 'present', event, ...withWidget, eventId: present.id });
      continue;
    }
    if (!registries.eventTypes.has(event.eventType)) {
      events.push({ action: 'skip', event, ...withWidget, reason: `event type "${event.eventType}" is not in Inter-Hub's event-type registry` });
      continue;
    }
    const widgetSkipped = skippedWidget.get(event.widgetName);
    if (widgetSkipped) {
      events.push({ action: 'skip', event, reason: `its widget ${event.widgetName} is not created: ${widgetSkipped}` });
      continue;
    }
    if (event.gateStatus && widgetId) {
      const announced = lastAnnouncedGateStatus(remoteByWidget.get(widgetId) ?? []);
      if (announced === event.eventType) {
        events.push({ action: 'present', event, widgetId, reason: `the gate's last announced status is already ${event.gateStatus}` });
        continue;
      }
    }
    events.push({ action: 'post', event, ...withWidget });
  }

  const annotations = planAnnotations({
    desired: desired.annotations,
    remote: remote.annotations,
    unavailable: remote.unavailable.filter((u) => u.without === ANNOTATIONS_UNAVAILABLE).map(unavailableNote)[0],
    registries,
    widgetIdOf,
    skippedWidget,
  });
  return { hub: { id: remote.hub.id, slug: remote.hub.slug }, widgets, events, annotations, foreignWidgets, notes };
}
