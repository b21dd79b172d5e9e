import { z } from 'zod';
import { routePath, type RouteName } from './routes.ts';

/**
 * Assumed: every list is paginated as `?page=<1-based>&pageSize=<n>` and
 * answers `{data: [...], meta: {page, pageSize, total}}`. Items can shift to
 * later pages while a client walks them, so readers de-duplicate.
 */

/** Fact: lists take `pageSize` up to 100. */
export const PAGE_SIZE = 100;

export type ListFilters = Record<string, string | undefined>;

export function listPath(name: RouteName, page: number, filters: ListFilters = {}): string {
  const query = new URLSearchParams({ page: String(page), pageSize: String(PAGE_SIZE) });
  for (const [key, value] of Object.entries(filters)) if (value !== undefined) query.set(key, value);
  return `${routePath(name)}?${query}`;
}

export const pageMetaSchema = z.object({
  page: z.number().int().min(1),
  pageSize: z.number().int().min(1),
  total: z.number().int().min(0),
});
export type PageMeta = z.infer<typeof pageMetaSchema>;

export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), meta: pageMetaSchema });
}
export interface Page<T> {
  data: T[];
  meta: PageMeta;
}
