import { z } from 'zod';
import type { Method, RequestFields } from './operations.ts';
import { API_ROOT, ROUTES, type RouteName } from './routes.ts';

/**
 * Fact (HF-WP-0001): `GET /api/v2/openapi.json` is public and live: the one
 * machine-readable statement of what a deployment serves. OpenAPI 3: operations
 * at `paths[route][method]`, request bodies at
 * `requestBody.content[contentType].schema` with `required` and `properties`,
 * possibly behind a local `$ref`. Everything else in the document is ignored.
 */
export const openApiDocumentSchema = z.looseObject({ paths: z.record(z.string(), z.unknown()) });
export type OpenApiDocument = z.infer<typeof openApiDocumentSchema>;

/** The paths an OpenAPI document lists, relative to API_ROOT whichever way it spells them. */
export function openApiPaths(doc: OpenApiDocument): string[] {
  return Object.keys(doc.paths).map((p) => (p.startsWith(`${API_ROOT}/`) ? p.slice(API_ROOT.length) : p));
}

/** What a document says of one operation: not listed, listed without a request schema, or listed with one. */
export type DeclaredOperation = { listed: false } | { listed: true; request?: RequestFields };

const record = (value: unknown): Record<string, unknown> | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

/** `#/components/schemas/X` and the like, within the document; anything else stays as it is. */
function resolve(doc: OpenApiDocument, value: unknown, depth = 0): Record<string, unknown> | undefined {
  const node = record(value);
  const ref = node?.['$ref'];
  if (typeof ref !== 'string' || !ref.startsWith('#/') || depth > 8) return node;
  const target = ref
    .slice(2)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((at, part) => record(at)?.[part], doc);
  return resolve(doc, target, depth + 1);
}

/** Properties and required fields, `allOf` parts merged. */
function fieldsOf(doc: OpenApiDocument, value: unknown): RequestFields | undefined {
  const schema = resolve(doc, value);
  if (!schema) return undefined;
  const parts = [schema, ...(Array.isArray(schema['allOf']) ? schema['allOf'].map((p) => resolve(doc, p)) : [])];
  const properties = new Set<string>();
  const required = new Set<string>();
  let declared = false;
  for (const part of parts) {
    const props = record(part?.['properties']);
    if (props) {
      declared = true;
      for (const name of Object.keys(props)) properties.add(name);
    }
    const req = part?.['required'];
    if (Array.isArray(req)) for (const name of req) if (typeof name === 'string') required.add(name);
  }
  return declared || required.size > 0 ? { properties: [...properties], required: [...required] } : undefined;
}

/** A path template relative to API_ROOT with its parameters unnamed: `/widgets/{widgetId}` and `/widgets/{id}` are one route. */
function normalPath(path: string): string {
  return (path.startsWith(`${API_ROOT}/`) ? path.slice(API_ROOT.length) : path).replace(/\{[^}]*\}/g, '{}');
}

export function declaredOperation(doc: OpenApiDocument, route: RouteName, method: Method, contentType: string | undefined): DeclaredOperation {
  const wanted = normalPath(ROUTES[route]);
  const listed = Object.keys(doc.paths).find((p) => normalPath(p) === wanted);
  const path = record(listed === undefined ? undefined : doc.paths[listed]);
  const operation = record(path?.[method.toLowerCase()]);
  if (!operation) return { listed: false };
  if (!contentType) return { listed: true };
  const content = record(resolve(doc, operation['requestBody'])?.['content']);
  const request = fieldsOf(doc, record(content?.[contentType])?.['schema']);
  return request ? { listed: true, request } : { listed: true };
}
