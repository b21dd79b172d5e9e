import type { InventoryGraph } from '../graph/graph.ts';
import { EMITTED_EVENT_TYPES, USED_ANNOTATION_CATEGORIES } from '../model/events.ts';
import { KINDS, widgetTypeOf } from '../model/kinds.ts';
import { SERVICE_CATALOG_WIDGET_TYPE, type Manifest } from '../model/vocabulary.ts';
import { desiredWidgets } from './desired-widgets.ts';

/**
 * The seed files (the manifest draft and the widget seed), generated so they never drift from the
 * code and the inventory: the manifest draft (hand-edited vocabulary plus
 * every name ops-hub itself needs) and the widget seed for the attended
 * fallback (UI or migration) while the bootstrap API is closed.
 */

function withRequired(declared: readonly string[], required: readonly string[]): string[] {
  return [...declared, ...required.filter((name) => !declared.includes(name))];
}

export function manifestSeed(manifest: Manifest): Manifest {
  return {
    ...manifest,
    declaredWidgetTypes: withRequired(manifest.declaredWidgetTypes, [...KINDS.map(widgetTypeOf), SERVICE_CATALOG_WIDGET_TYPE]),
    declaredEventTypes: withRequired(manifest.declaredEventTypes, EMITTED_EVENT_TYPES),
    declaredAnnotationCategories: withRequired(manifest.declaredAnnotationCategories, USED_ANNOTATION_CATEGORIES),
  };
}

export function manifestSeedText(manifest: Manifest): string {
  return `${JSON.stringify(manifestSeed(manifest), null, 2)}\n`;
}

export function widgetSeedText(graph: InventoryGraph, manifest: Manifest): string {
  const seed = {
    hub: manifest.hub.slug,
    generatedBy: 'npm run seeds — from the inventory; edit the records, not this file',
    widgets: desiredWidgets(graph).map(({ name, widgetType, policyScope, viewContext, status, recordId }) => ({
      name,
      widgetType,
      policyScope,
      viewContext,
      status,
      recordId,
    })),
  };
  return `${JSON.stringify(seed, null, 2)}\n`;
}
