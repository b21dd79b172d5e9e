import { z } from 'zod';
import { WIDGET_STATUSES } from '../../model/vocabulary.ts';
import type { ListFilters } from './lists.ts';

/**
 * Fact: `POST /widgets` requires `hubId`, `name`, `widgetType`; `policyScope`
 * defaults to `internal`; status is `active | deprecated | draft`. No update
 * or delete endpoint is documented. Assumed: the answer is `201` with the widget.
 */
export const widgetCreateSchema = z.object({
  hubId: z.string().min(1),
  name: z.string().min(1),
  widgetType: z.string().min(1),
  capabilityRef: z.string().optional(),
  viewContext: z.string().optional(),
  policyScope: z.string().min(1).default('internal'),
  status: z.enum(WIDGET_STATUSES).default('active'),
  adapterSpecId: z.string().optional(),
});

/** What ops-hub sends: these fields, always (capabilityRef and adapterSpecId are not ours to set). */
export const widgetSentSchema = widgetCreateSchema.pick({ hubId: true, name: true, widgetType: true, policyScope: true, viewContext: true, status: true }).required();
export type WidgetCreate = z.infer<typeof widgetSentSchema>;

export const widgetSchema = z.object({
  id: z.string().min(1),
  hubId: z.string().min(1),
  name: z.string().min(1),
  widgetType: z.string().min(1),
  capabilityRef: z.string().nullable().optional(),
  viewContext: z.string().nullable().optional(),
  policyScope: z.string().min(1),
  status: z.enum(WIDGET_STATUSES),
  adapterSpecId: z.string().nullable().optional(),
  createdAt: z.string(),
  updatedAt: z.string().optional(),
});
export type Widget = z.infer<typeof widgetSchema>;

/** Assumed: widgets filter by `hubId`, so a hub's sync pages through its own widgets only. */
export function widgetFilters(hubId: string): ListFilters {
  return { hubId };
}
