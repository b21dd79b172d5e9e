import { z } from 'zod';
import type { ListFilters } from './lists.ts';

/**
 * Interaction events. Fact: `widgetId` and `eventType` are required,
 * `viewContext` is stored as `viewContextRef`, `occurredAt` is set by the
 * server. Our metadata convention is in metadata.ts.
 */

export const metadataSchema = z.record(z.string(), z.unknown());

/** What the hub takes (the dev server checks it). */
export const eventCreateSchema = z.object({
  widgetId: z.string().min(1),
  eventType: z.string().min(1),
  viewContext: z.string().optional(),
  metadata: metadataSchema.optional(),
});

/** What ops-hub sends: every field, always. */
export const eventSentSchema = eventCreateSchema.required();
export type EventCreate = z.infer<typeof eventSentSchema>;

export const eventSchema = z.object({
  id: z.string().min(1),
  widgetId: z.string().min(1),
  eventType: z.string().min(1),
  viewContextRef: z.string().nullable().optional(),
  metadata: metadataSchema.nullable().optional(),
  occurredAt: z.string(),
  actorType: z.string().optional(),
});
export type InteractionEvent = z.infer<typeof eventSchema>;

/** Fact: interaction events filter by `widgetId` and `eventType`. */
export function eventFilters(widgetId: string, eventType: string): ListFilters {
  return { widgetId, eventType };
}
