import type { LoadedDocument } from '../load/loader.ts';
import { EMITTED_EVENT_TYPES, USED_ANNOTATION_CATEGORIES } from '../model/events.ts';
import { KINDS, OWNERS_FILE, widgetTypeOf } from '../model/kinds.ts';
import { MANIFEST_FILE, type Registry, type Vocabulary } from '../model/vocabulary.ts';
import { at } from './at.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';

/** The manifest declares every widget type, event type and category ops-hub uses. */
export function checkVocabulary(vocabulary: Vocabulary, manifest: LoadedDocument | undefined, valid: boolean): Diagnostic[] {
  const unchecked = vocabulary.unloaded.map(uncheckedNotice);
  if (!manifest || !valid) return unchecked;
  const missing = (field: string, what: string, needed: readonly string[], declared: readonly string[], why: string) =>
    needed
      .filter((name) => !declared.includes(name))
      .map((name) =>
        at(manifest, [field], 'error', `undeclared-${what}`, `${field} lacks "${name}", which ${why}`, `add "${name}" to ${field}`),
      );
  return [
    ...unchecked,
    ...missing('declaredWidgetTypes', 'widget-type', KINDS.map(widgetTypeOf), vocabulary.widgetTypes, 'a record kind maps to'),
    ...missing('declaredEventTypes', 'event-type', EMITTED_EVENT_TYPES, vocabulary.eventTypes, 'sync emits'),
    ...missing('declaredAnnotationCategories', 'annotation-category', USED_ANNOTATION_CATEGORIES, vocabulary.annotationCategories, 'coverage and readiness rely on'),
  ];
}

const GOVERNS: Record<Registry, { file: string; fields: string }> = {
  owners: { file: OWNERS_FILE, fields: 'owner' },
  manifest: { file: MANIFEST_FILE, fields: "policyScope (and a risk's category)" },
};

/** A registry that did not load leaves the names it declares unchecked: said once here, not as an error on every record. */
function uncheckedNotice(registry: Registry): Diagnostic {
  const { file, fields } = GOVERNS[registry];
  return {
    file,
    line: 1,
    col: 1,
    severity: 'notice',
    code: 'vocabulary-unchecked',
    message: `no record's ${fields} was checked: ${file} did not load (its own error says why)`,
    hint: `fix ${file}; validate then checks each record's ${fields} against it`,
  };
}
