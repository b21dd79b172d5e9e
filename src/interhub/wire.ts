import { WIDGET_STATUSES } from '../model/vocabulary.ts';
import { z } from 'zod';

/**
 * Every Inter-Hub `/api/v2` wire shape and path ops-hub relies on, in one
 * module (../shared/interhub-v2-contract.md). Facts and assumed shapes are
 * marked; adopting the live OpenAPI means editing this file only. Responses
 * are parsed with `parseWire`, so an unexpected shape is an error naming the
 * route and the field instead of a crash deep inside the sync.
 */

export const API_ROOT = '/api/v2';

/** Fact: lists take `pageSize` up to 100. */
export const PAGE_SIZE = 100;

/** Fact: the scope the runtime key is exchanged for (seed 001 T04). */
export const RUNTIME_SCOPE = 'framework:read hub:ops-hub:read hub:ops-hub:write';
export const RUNTIME_KEY_SCOPES = RUNTIME_SCOPE.split(' ');

/** Route templates relative to API_ROOT; `{id}` is a path parameter. The dev server serves the same table. */
export const ROUTES = {
  token: '/token',
  openapi: '/openapi.json',
  docs: '/docs',
  widgets: '/widgets',
  widget: '/widgets/{id}',
  interactionEvents: '/interaction-events',
  widgetTypes: '/widget-types',
  eventTypes: '/event-types',
  annotationCategories: '/annotation-categories',
  policyScopes: '/policy-scopes',
  hubRegistry: '/hub-registry',
  hubRegistryEntry: '/hub-registry/{id}',
  hubs: '/hubs',
  manifests: '/hub-capability-manifests',
  manifestActivate: '/hub-capability-manifests/{id}/activate',
  apiConsumers: '/api-consumers',
  apiConsumerKeys: '/api-consumers/{id}/keys',
} as const;

export type RouteName = keyof typeof ROUTES;

/** Fact (seed 001 T03): the bootstrap API is live when the OpenAPI lists these. */
export const BOOTSTRAP_PATHS = [ROUTES.hubs, ROUTES.manifests, ROUTES.apiConsumers, ROUTES.policyScopes] as const;

/** Routes that exist only once the bootstrap surface is deployed. */
export const BOOTSTRAP_ROUTES: readonly RouteName[] = ['hubs', 'manifests', 'manifestActivate', 'apiConsumers', 'apiConsumerKeys', 'policyScopes'];

/** Fact: readable without a token. */
export const PUBLIC_ROUTES: readonly RouteName[] = [
  'openapi',
  'docs',
  'widgetTypes',
  'eventTypes',
  'annotationCategories',
  'policyScopes',
  'hubRegistry',
  'hubRegistryEntry',
];

export function routePath(name: RouteName, id?: string): string {
  const template: string = ROUTES[name];
  if (template.includes('{id}') && id === undefined) throw new Error(`route ${name} needs an id`);
  return `${API_ROOT}${template.replace('{id}', encodeURIComponent(id ?? ''))}`;
}

export type ListFilters = Record<string, string | undefined>;

/** Assumed: `?page=<1-based>&pageSize=<n>` plus the route's filters. */
export function listPath(name: RouteName, page: number, filters: ListFilters = {}): string {
  const query = new URLSearchParams({ page: String(page), pageSize: String(PAGE_SIZE) });
  for (const [key, value] of Object.entries(filters)) if (value !== undefined) query.set(key, value);
  return `${routePath(name)}?${query}`;
}

/** Fact: interaction events filter by `widgetId` and `eventType`. */
export function eventFilters(widgetId: string, eventType: string): ListFilters {
  return { widgetId, eventType };
}

/** Assumed: widgets filter by `hubId`, so a hub's sync pages through its own widgets only. */
export function widgetFilters(hubId: string): ListFilters {
  return { hubId };
}

/** The paths an OpenAPI document lists, relative to API_ROOT whichever way it spells them. */
export function openApiPaths(doc: OpenApiDocument): string[] {
  return Object.keys(doc.paths).map((p) => (p.startsWith(`${API_ROOT}/`) ? p.slice(API_ROOT.length) : p));
}

// ── Authentication ─────────────────────────────────────────────────────────

/** Fact: RFC 6749 §4.4 client credentials, form encoded. */
export function tokenRequestBody(clientId: string, clientSecret: string, scope = RUNTIME_SCOPE): string {
  return new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope }).toString();
}

export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';
export const JSON_CONTENT_TYPE = 'application/json';

export const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().regex(/^bearer$/i),
  expires_in: z.number().int().positive(),
  scope: z.string().optional(),
});
export type TokenResponse = z.infer<typeof tokenResponseSchema>;

/** Assumed (RFC 6749 §5.2): `{error}` on token failures, and on 401s elsewhere. */
export const errorBodySchema = z.object({ error: z.string(), error_description: z.string().optional() });

/** Assumed: tokens travel as bearer tokens; the operator key is sent the same way to the bootstrap routes. */
export function bearer(token: string): string {
  return `Bearer ${token}`;
}

// ── Lists ──────────────────────────────────────────────────────────────────

export const pageMetaSchema = z.object({
  page: z.number().int().min(1),
  pageSize: z.number().int().min(1),
  total: z.number().int().min(0),
});
export type PageMeta = z.infer<typeof pageMetaSchema>;

/** Assumed: `{data: [...], meta: {page, pageSize, total}}`. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), meta: pageMetaSchema });
}
export interface Page<T> {
  data: T[];
  meta: PageMeta;
}

// ── Registries ─────────────────────────────────────────────────────────────

/** Assumed: `/widget-types`, `/event-types`, `/annotation-categories`, `/policy-scopes` entries. */
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

// ── Hubs ───────────────────────────────────────────────────────────────────

export const hubSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  slug: z.string().min(1),
  domain: z.string().nullable().optional(),
  hubKind: z.string().nullable().optional(),
});
export type Hub = z.infer<typeof hubSchema>;

export const hubCreateSchema = z.object({
  name: z.string().min(1),
  slug: z.string().min(1),
  domain: z.string().min(1),
  hubKind: z.string().min(1),
});
export type HubCreate = z.infer<typeof hubCreateSchema>;

// ── Widgets ────────────────────────────────────────────────────────────────



/** Fact: `hubId`, `name`, `widgetType` required; `policyScope` defaults to `internal`. */
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
export type WidgetCreate = z.input<typeof widgetCreateSchema>;

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

// ── Interaction events ─────────────────────────────────────────────────────

const metadataSchema = z.record(z.string(), z.unknown());

/** Fact: `widgetId`, `eventType` required; `viewContext` stored as `viewContextRef`; `occurredAt` server-set. */
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

/**
 * Assumed: the server has no idempotency key, so ours rides in
 * `metadata.idempotencyKey`; the observed time in `metadata.attributes.observed_at` (fact).
 */
export function eventIdempotencyKey(event: Pick<InteractionEvent, 'metadata'>): string | undefined {
  const key = event.metadata?.['idempotencyKey'];
  return typeof key === 'string' ? key : undefined;
}

/** Our metadata convention: facts at the top (seed 000 T07), the key and `attributes.observed_at` beside them. */
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

// ── Bootstrap (only once the gate is open) ─────────────────────────────────

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

export const manifestSchema = manifestCreateSchema.extend({
  id: z.string().min(1),
  status: z.enum(MANIFEST_STATUSES),
});
export type HubManifest = z.infer<typeof manifestSchema>;

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

// ── Errors and documents ───────────────────────────────────────────────────

/** Assumed: `422 {"errors": {"<field>": "<message>"}}`. */
export const validationErrorSchema = z.object({ errors: z.record(z.string(), z.string()) });

export const openApiDocumentSchema = z.object({ paths: z.record(z.string(), z.unknown()) });
export type OpenApiDocument = z.infer<typeof openApiDocumentSchema>;

/** A response that does not have the shape this module expects. */
export class WireShapeError extends Error {
  readonly code = 'unexpected-response';
  readonly route: string;
  readonly field: string;

  constructor(route: string, field: string, detail: string) {
    super(`unexpected response from ${route}: ${field ? `field "${field}"` : 'the body'} ${detail}`);
    this.route = route;
    this.field = field;
  }
}

/** Parses a response body; `route` is "METHOD /path" without the query string. */
export function parseWire<T extends z.ZodType>(schema: T, body: unknown, route: string): z.infer<T> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new WireShapeError(route, issue.path.map(String).join('.'), `— ${issue.message}`);
}
