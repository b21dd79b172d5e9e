import { z } from 'zod';

/**
 * The bootstrap surface (only once the gate of OPS-WP-0002 T03 is open):
 * capability manifests, API consumers and their keys. Assumed shapes; hubs
 * are in hubs.ts.
 */

export const MANIFEST_STATUSES = ['draft', 'active', 'inactive'] as const;

export const manifestCreateSchema = z.object({
  hubId: z.string().min(1),
  version: z.string().min(1),
  capabilityDescription: z.string().min(1),
  contact: z.string().min(1),
  declaredWidgetTypes: z.array(z.string().min(1)),
  declaredEventTypes: z.array(z.string().min(1)),
  declaredAnnotationCategories: z.array(z.string().min(1)),
  declaredPolicyScopes: z.array(z.string().min(1)),
});
export type ManifestCreate = z.infer<typeof manifestCreateSchema>;

export const hubManifestSchema = manifestCreateSchema.extend({
  id: z.string().min(1),
  status: z.enum(MANIFEST_STATUSES),
});
export type HubManifest = z.infer<typeof hubManifestSchema>;

export const apiConsumerCreateSchema = z.object({
  name: z.string().min(1),
  description: z.string(),
  manifestId: z.string().min(1),
});
export type ApiConsumerCreate = z.infer<typeof apiConsumerCreateSchema>;

export const apiConsumerSchema = apiConsumerCreateSchema.extend({
  id: z.string().min(1),
  manifestId: z.string().nullable(),
});
export type ApiConsumer = z.infer<typeof apiConsumerSchema>;

export const keyCreateSchema = z.object({ scopes: z.array(z.string().min(1)).min(1) });

/** Assumed: the whole key is in the create answer only; lists show the prefix. */
export const keyCreatedSchema = z.object({
  id: z.string().min(1),
  prefix: z.string().min(1),
  key: z.string().min(1),
  scopes: z.array(z.string()),
});
export type KeyCreated = z.infer<typeof keyCreatedSchema>;
