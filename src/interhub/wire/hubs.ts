import { z } from 'zod';

/** A hub as `/hub-registry` (public) and `/hubs` (bootstrap) answer it. */
export const hubSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  slug: z.string().min(1),
  domain: z.string().nullable().optional(),
  hubKind: z.string().nullable().optional(),
});
export type Hub = z.infer<typeof hubSchema>;

/** Assumed: `POST /hubs {name, slug, domain, hubKind}`, once the bootstrap gate is open. */
export const hubCreateSchema = z.object({
  name: z.string().min(1),
  slug: z.string().min(1),
  domain: z.string().min(1),
  hubKind: z.string().min(1),
});
export type HubCreate = z.infer<typeof hubCreateSchema>;
