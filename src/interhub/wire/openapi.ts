import { z } from 'zod';
import { API_ROOT } from './routes.ts';

/**
 * Fact (HF-WP-0001): `GET /api/v2/openapi.json` is public and live: the one
 * machine-readable statement of what a deployment serves. Only `paths` is read
 * so far; request bodies sit at `paths[route][method].requestBody`.
 */
export const openApiDocumentSchema = z.object({ paths: z.record(z.string(), z.unknown()) });
export type OpenApiDocument = z.infer<typeof openApiDocumentSchema>;

/** The paths an OpenAPI document lists, relative to API_ROOT whichever way it spells them. */
export function openApiPaths(doc: OpenApiDocument): string[] {
  return Object.keys(doc.paths).map((p) => (p.startsWith(`${API_ROOT}/`) ? p.slice(API_ROOT.length) : p));
}
