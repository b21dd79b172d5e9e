import type { Annotation } from '../interhub/wire/annotations.ts';
import { idempotencyKeyOf } from '../interhub/wire/metadata.ts';
import type { DesiredAnnotation } from './desired-annotations.ts';
import { KEY_PREFIX } from './desired-events.ts';
import type { Registries } from './remote-state.ts';

/**
 * Desired annotations against those Inter-Hub holds. There is no update or
 * delete route, so an annotation is posted once and stays: one whose cause is
 * gone is listed as resolved and nothing is sent. Pure.
 */

export type AnnotationAction = 'post' | 'present' | 'skip' | 'resolved';

export interface AnnotationPlan {
  action: AnnotationAction;
  category: string;
  widgetName: string;
  recordId: string;
  idempotencyKey: string;
  /** What is posted (post, present, skip); absent for a resolved one, whose cause is gone. */
  annotation?: DesiredAnnotation;
  /** Known when the widget exists already; otherwise filled in by apply once it is created. */
  widgetId?: string;
  /** The annotation already in Inter-Hub (present, resolved). */
  annotationId?: string;
  reason?: string;
}

export interface AnnotationPlanInput {
  desired: readonly DesiredAnnotation[];
  /** Undefined when this deployment does not list annotations: then none is posted. */
  remote: readonly Annotation[] | undefined;
  /** Why the list is not available, for the reason of each skip. */
  unavailable?: string;
  registries: Registries;
  widgetIdOf: ReadonlyMap<string, string>;
  /** Widgets that are not created, and why. */
  skippedWidget: ReadonlyMap<string, string>;
}

export function planAnnotations(input: AnnotationPlanInput): AnnotationPlan[] {
  const { desired, remote, registries, widgetIdOf, skippedWidget } = input;
  const remoteByKey = new Map<string, Annotation>();
  for (const a of remote ?? []) {
    const key = idempotencyKeyOf(a);
    if (key !== undefined && !remoteByKey.has(key)) remoteByKey.set(key, a);
  }
  const out: AnnotationPlan[] = [];
  const wanted = new Set<string>();
  for (const annotation of desired) {
    wanted.add(annotation.idempotencyKey);
    const widgetId = widgetIdOf.get(annotation.widgetName);
    const base = { category: annotation.category, widgetName: annotation.widgetName, recordId: annotation.recordId, idempotencyKey: annotation.idempotencyKey, annotation, ...(widgetId ? { widgetId } : {}) };
    const present = remoteByKey.get(annotation.idempotencyKey);
    const skip = (reason: string) => out.push({ ...base, action: 'skip', reason });
    if (present) out.push({ ...base, action: 'present', annotationId: present.id });
    else if (!remote) skip(input.unavailable ?? "Inter-Hub's annotation list is not available here");
    else if (registries.annotationCategories && !registries.annotationCategories.has(annotation.category)) {
      skip(`annotation category "${annotation.category}" is not in Inter-Hub's annotation-category registry`);
    } else if (skippedWidget.has(annotation.widgetName)) skip(`its widget ${annotation.widgetName} is not created: ${skippedWidget.get(annotation.widgetName)}`);
    else out.push({ ...base, action: 'post' });
  }
  const nameOf = new Map([...widgetIdOf].map(([name, id]) => [id, name]));
  for (const [key, a] of remoteByKey) {
    // Only ours: on one of our widgets, with our key; the cause is gone.
    const widgetName = nameOf.get(a.widgetId);
    if (wanted.has(key) || !widgetName || !key.startsWith(KEY_PREFIX)) continue;
    const recordId = typeof a.metadata?.['recordId'] === 'string' ? a.metadata['recordId'] : '';
    out.push({ action: 'resolved', category: a.category, widgetName, recordId, idempotencyKey: key, widgetId: a.widgetId, annotationId: a.id, reason: 'its cause is gone: kept (Inter-Hub has no delete), nothing posted' });
  }
  return out;
}
