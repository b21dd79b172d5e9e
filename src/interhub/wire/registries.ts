import { z } from 'zod';
import type { RouteName } from './routes.ts';

/** Assumed: `/widget-types`, `/event-types`, `/annotation-categories`, `/policy-scopes` list `{name, description, hubId}`. */
export const registryEntrySchema = z.object({
  name: z.string().min(1),
  description: z.string().nullable().optional(),
  hubId: z.string().nullable().optional(),
});
export type RegistryEntry = z.infer<typeof registryEntrySchema>;

export const REGISTRY_ROUTES = {
  widgetTypes: 'widgetTypes',
  eventTypes: 'eventTypes',
  annotationCategories: 'annotationCategories',
  policyScopes: 'policyScopes',
} as const satisfies Record<string, RouteName>;
export type RegistryName = keyof typeof REGISTRY_ROUTES;
