import { z } from 'zod';
import type { ListFilters } from './lists.ts';

/**
 * Interaction events. Fact: `widgetId` and `eventType` are required,
 * `viewContext` is stored as `viewContextRef`, `occurredAt` is set by the
 * server, and the observed time goes in `metadata.attributes.observed_at`.
 * Assumed: there is no server-side idempotency key, so ours rides in
 * `metadata.idempotencyKey` and a client looks for it before posting.
 */

const metadataSchema = z.record(z.string(), z.unknown());

export const eventCreateSchema = z.object({
  widgetId: z.string().min(1),
  eventType: z.string().min(1),
  viewContext: z.string().optional(),
  metadata: metadataSchema.optional(),
});
export type EventCreate = z.infer<typeof eventCreateSchema>;

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

export function eventIdempotencyKey(event: Pick<InteractionEvent, 'metadata'>): string | undefined {
  const key = event.metadata?.['idempotencyKey'];
  return typeof key === 'string' ? key : undefined;
}

/** Our metadata convention: facts at the top (HF-WP-0001 T07), the key and `attributes.observed_at` beside them. */
export function eventMetadata(input: {
  idempotencyKey: string;
  observedAt: string;
  facts: Record<string, unknown>;
  trace: Record<string, string | undefined>;
}): Record<string, unknown> {
  const trace = Object.fromEntries(Object.entries(input.trace).filter(([, v]) => v !== undefined));
  return { ...input.facts, ...trace, idempotencyKey: input.idempotencyKey, attributes: { observed_at: input.observedAt } };
}

export function eventObservedAt(event: Pick<InteractionEvent, 'metadata'>): string | undefined {
  const attributes = event.metadata?.['attributes'];
  const observed = attributes && typeof attributes === 'object' ? (attributes as Record<string, unknown>)['observed_at'] : undefined;
  return typeof observed === 'string' ? observed : undefined;
}
