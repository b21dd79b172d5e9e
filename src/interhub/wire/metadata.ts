/**
 * Our metadata convention for what ops-hub posts (events and annotations):
 * non-secret facts at the top (HF-WP-0001 T07), the trace beside them, our
 * idempotency key in `metadata.idempotencyKey` (assumed: the hub has none of
 * its own, so a client looks for it before posting), and the observed time in
 * `metadata.attributes.observed_at` (fact: the server sets `occurredAt`).
 */

type WithMetadata = { metadata?: Record<string, unknown> | null | undefined };

export function ourMetadata(input: {
  idempotencyKey: string;
  observedAt: string;
  facts: Record<string, unknown>;
  trace: Record<string, string | undefined>;
}): Record<string, unknown> {
  const trace = Object.fromEntries(Object.entries(input.trace).filter(([, v]) => v !== undefined));
  return { ...input.facts, ...trace, idempotencyKey: input.idempotencyKey, attributes: { observed_at: input.observedAt } };
}

export function idempotencyKeyOf(item: WithMetadata): string | undefined {
  const key = item.metadata?.['idempotencyKey'];
  return typeof key === 'string' ? key : undefined;
}

export function observedAtOf(item: WithMetadata): string | undefined {
  const attributes = item.metadata?.['attributes'];
  const observed = attributes && typeof attributes === 'object' ? (attributes as Record<string, unknown>)['observed_at'] : undefined;
  return typeof observed === 'string' ? observed : undefined;
}
