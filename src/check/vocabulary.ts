import type { LoadedDocument } from '../load/loader.ts';
import { EMITTED_EVENT_TYPES, USED_ANNOTATION_CATEGORIES } from '../model/events.ts';
import { KINDS, widgetTypeOf } from '../model/kinds.ts';
import type { Vocabulary } from '../model/vocabulary.ts';
import { at } from './at.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';

/** The manifest declares every widget type, event type and category ops-hub uses. */
export function checkVocabulary(vocabulary: Vocabulary, manifest: LoadedDocument | undefined, valid: boolean): Diagnostic[] {
  if (!manifest || !valid) return [];
  const missing = (field: string, what: string, needed: readonly string[], declared: readonly string[], why: string) =>
    needed
      .filter((name) => !declared.includes(name))
      .map((name) =>
        at(manifest, [field], 'error', `undeclared-${what}`, `${field} lacks "${name}", which ${why}`, `add "${name}" to ${field}`),
      );
  return [
    ...missing('declaredWidgetTypes', 'widget-type', KINDS.map(widgetTypeOf), vocabulary.widgetTypes, 'a record kind maps to'),
    ...missing('declaredEventTypes', 'event-type', EMITTED_EVENT_TYPES, vocabulary.eventTypes, 'sync emits'),
    ...missing('declaredAnnotationCategories', 'annotation-category', USED_ANNOTATION_CATEGORIES, vocabulary.annotationCategories, 'coverage and readiness rely on'),
  ];
}
