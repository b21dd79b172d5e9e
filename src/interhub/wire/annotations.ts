import { z } from 'zod';
import { metadataSchema } from './events.ts';
import type { ListFilters } from './lists.ts';

/**
 * Annotations. Fact (HF-WP-0001): `/annotations` is live, and ops widgets
 * "accept interaction events and annotations" (T05). Assumed: `POST
 * /annotations {widgetId, category, body, metadata?}` answers 201 with the
 * annotation; `GET /annotations?widgetId=&category=` is a paginated list; the
 * category must be registered (and declared by the consumer's manifest). No
 * update, delete or idempotency key: they are handled like events.
 */

/** What the hub takes (the dev server checks it). */
export const annotationCreateSchema = z.object({
  widgetId: z.string().min(1),
  category: z.string().min(1),
  body: z.string().min(1),
  metadata: metadataSchema.optional(),
});

/** What ops-hub sends: every field, always. */
export const annotationSentSchema = annotationCreateSchema.required();
export type AnnotationCreate = z.infer<typeof annotationSentSchema>;

export const annotationSchema = z.object({
  id: z.string().min(1),
  widgetId: z.string().min(1),
  category: z.string().min(1),
  body: z.string(),
  metadata: metadataSchema.nullable().optional(),
  createdAt: z.string(),
  actorType: z.string().optional(),
});
export type Annotation = z.infer<typeof annotationSchema>;

export function annotationFilters(widgetId: string, category: string): ListFilters {
  return { widgetId, category };
}
