import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { annotationCreateSchema, type Annotation } from '../wire/annotations.ts';
import { apiConsumerCreateSchema, keyCreateSchema, manifestCreateSchema, type ApiConsumer } from '../wire/bootstrap.ts';
import { eventCreateSchema, type InteractionEvent } from '../wire/events.ts';
import { hubCreateSchema } from '../wire/hubs.ts';
import { PAGE_SIZE } from '../wire/lists.ts';
import type { Method, RequestBody } from '../wire/operations.ts';
import type { RegistryName } from '../wire/registries.ts';
import { API_ROOT, JSON_CONTENT_TYPE, ROUTES, type RouteName } from '../wire/routes.ts';
import { FORM_CONTENT_TYPE, tokenRequestSchema } from '../wire/token.ts';
import { widgetCreateSchema, type Widget } from '../wire/widgets.ts';
import type { DevAuth, Principal } from './auth.ts';
import type { RenamedField } from './deployment.ts';
import { dropsAfterCommit, shiftAnnotations, shiftEvents, shiftWidgets, type DevServerFaults } from './faults.ts';
import { HttpAnswer, positiveInt, type Body } from './http.ts';
import type { DevStore } from './state.ts';

/**
 * The dev server's route table: one handler per method and route of the
 * contract, each with who may call it and the request body it accepts. The
 * server dispatches through it and its OpenAPI document is derived from it,
 * schemas included, so the two cannot disagree.
 */

export interface Call {
  req: IncomingMessage;
  id: string | undefined;
  query: URLSearchParams;
  /** Undefined on a request that may be made without a token. */
  principal: Principal | undefined;
  body: Body;
  /** The body checked against the route's `accepts` schema (JSON routes). */
  input: unknown;
}

export interface DevRoute {
  method: Method;
  route: RouteName;
  /** Only the operator key opens it (the bootstrap surface). */
  operatorOnly?: true;
  /** The body it takes: checked before the handler runs (JSON), and declared in the OpenAPI document. */
  accepts?: RequestBody;
  handle: (call: Call) => Promise<HttpAnswer | 'dropped'> | HttpAnswer | 'dropped';
}

/** What the handlers work on; the faults are read at each call, since tests switch them mid-run. */
export interface RouteContext {
  store: DevStore;
  auth: DevAuth;
  faults: () => DevServerFaults;
  /** The OpenAPI document of what this deployment serves. */
  openApi: () => unknown;
}

/** A route taking a JSON body: the handler gets it checked against `schema`. */
function withBody<S extends z.ZodObject>(
  method: Method,
  route: RouteName,
  schema: S,
  handle: (call: Call, input: z.infer<S>) => ReturnType<DevRoute['handle']>,
  operatorOnly?: true,
): DevRoute {
  return { method, route, accepts: { contentType: JSON_CONTENT_TYPE, schema }, ...(operatorOnly ? { operatorOnly } : {}), handle: (call) => handle(call, call.input as z.infer<S>) };
}

export function devRoutes(ctx: RouteContext): DevRoute[] {
  const { store } = ctx;
  const state = () => store.state;
  let commits = 0;

  /** A create has committed; answer it, or (as a fault) drop the connection without an answer. */
  const commit = (call: Call, answer: HttpAnswer): HttpAnswer | 'dropped' => {
    store.changed();
    return dropsAfterCommit(ctx.faults(), ++commits, call.req) ? 'dropped' : answer;
  };

  /** One page of a list; with shifting pages on, items are inserted at the head before pages ≥ 2 are read. */
  const page = <T>(call: Call, list: () => T[], shift?: (by: number) => void): HttpAnswer => {
    const n = positiveInt(call.query.get('page'), 1);
    const pageSize = Math.min(positiveInt(call.query.get('pageSize'), PAGE_SIZE), PAGE_SIZE);
    const by = ctx.faults().shiftPagesBy;
    if (shift && n >= 2 && by > 0) shift(by);
    const items = list();
    return new HttpAnswer(200, { data: items.slice((n - 1) * pageSize, n * pageSize), meta: { page: n, pageSize, total: items.length } });
  };

  /** Items matching every filter of the query that is set, newest first. */
  const filtered = <T>(call: Call, items: () => readonly T[], filters: ReadonlyArray<keyof T & string>) => () => {
    const wanted = filters.flatMap((f) => (call.query.get(f) ? [[f, call.query.get(f)] as const] : []));
    return newestFirst(items().filter((item) => wanted.every(([f, v]) => item[f] === v)));
  };

  const registry = (route: RegistryName): DevRoute => ({
    method: 'GET',
    route,
    handle: (call) => page(call, () => [...state().registries[route]].sort((a, b) => a.name.localeCompare(b.name))),
  });

  return [
    { method: 'GET', route: 'openapi', handle: () => new HttpAnswer(200, ctx.openApi()) },
    { method: 'GET', route: 'docs', handle: () => new HttpAnswer(200, { title: 'Inter-Hub dev server', openapi: `${API_ROOT}${ROUTES.openapi}` }) },
    {
      method: 'POST',
      route: 'token',
      accepts: { contentType: FORM_CONTENT_TYPE, schema: tokenRequestSchema },
      handle: (call) => ctx.auth.exchange(call.body, ctx.faults().tokenTtlMs, ctx.faults().tokenUses, Date.now()),
    },
    registry('widgetTypes'),
    registry('eventTypes'),
    registry('annotationCategories'),
    registry('policyScopes'),
    { method: 'GET', route: 'hubRegistry', handle: (call) => page(call, () => state().hubs) },
    { method: 'GET', route: 'hubRegistryEntry', handle: (call) => new HttpAnswer(200, find(state().hubs, call.id)) },
    {
      method: 'GET',
      route: 'widgets',
      handle: (call) => page(call, filtered(call, () => state().widgets, ['hubId']), (by) => shiftWidgets(store, by, call.query.get('hubId') ?? undefined)),
    },
    { method: 'GET', route: 'widget', handle: (call) => new HttpAnswer(200, find(state().widgets, call.id)) },
    withBody('POST', 'widgets', widgetCreateSchema, (call, input) => commit(call, createWidget(store, call.principal!, input))),
    {
      method: 'GET',
      route: 'interactionEvents',
      handle: (call) => page(call, filtered(call, () => state().events, ['widgetId', 'eventType']), (by) => shiftEvents(store, by)),
    },
    withBody('POST', 'interactionEvents', eventCreateSchema, (call, input) => commit(call, createEvent(store, call.principal!, input))),
    {
      method: 'GET',
      route: 'annotations',
      handle: (call) => page(call, filtered(call, () => state().annotations, ['widgetId', 'category']), (by) => shiftAnnotations(store, by)),
    },
    withBody('POST', 'annotations', annotationCreateSchema, (call, input) => commit(call, createAnnotation(store, call.principal!, input))),
    { method: 'GET', route: 'hubs', operatorOnly: true, handle: (call) => page(call, () => state().hubs) },
    withBody(
      'POST',
      'hubs',
      hubCreateSchema,
      (call, input) => {
        if (state().hubs.some((h) => h.slug === input.slug)) throw new HttpAnswer(422, { errors: { slug: 'already taken' } });
        return commit(call, new HttpAnswer(201, store.insertHub(input)));
      },
      true,
    ),
    {
      method: 'GET',
      route: 'manifests',
      operatorOnly: true,
      handle: (call) => page(call, () => state().manifests.filter((m) => !call.query.get('hubId') || m.hubId === call.query.get('hubId'))),
    },
    withBody(
      'POST',
      'manifests',
      manifestCreateSchema,
      (call, input) => {
        if (!state().hubs.some((h) => h.id === input.hubId)) throw new HttpAnswer(422, { errors: { hubId: 'unknown hub' } });
        return commit(call, new HttpAnswer(201, store.insertManifest(input)));
      },
      true,
    ),
    withBody(
      'POST',
      'manifestActivate',
      z.object({}),
      (call) => {
        const manifest = find(state().manifests, call.id);
        const conflict = store.activate(manifest);
        if (conflict) throw new HttpAnswer(422, { errors: conflict });
        store.changed();
        return new HttpAnswer(200, manifest);
      },
      true,
    ),
    { method: 'GET', route: 'apiConsumers', operatorOnly: true, handle: (call) => page(call, () => state().consumers) },
    withBody(
      'POST',
      'apiConsumers',
      apiConsumerCreateSchema,
      (call, input) => {
        if (!state().manifests.some((m) => m.id === input.manifestId)) throw new HttpAnswer(422, { errors: { manifestId: 'unknown manifest' } });
        const consumer: ApiConsumer = { id: randomUUID(), ...input };
        state().consumers.push(consumer);
        return commit(call, new HttpAnswer(201, consumer));
      },
      true,
    ),
    withBody(
      'POST',
      'apiConsumerKeys',
      keyCreateSchema,
      (call, { scopes }) => {
        const consumer = find(state().consumers, call.id);
        const key = `ihk_${randomBytes(24).toString('base64url')}`;
        const stored = store.insertKey(consumer.id, scopes, key);
        return commit(call, new HttpAnswer(201, { id: stored.id, prefix: stored.prefix, key, scopes: stored.scopes }));
      },
      true,
    ),
  ];
}

/**
 * An OpenAPI 3.1 document of what a deployment serves, one operation per
 * route and method, request bodies from the very schemas the handlers check
 * (under `components.schemas`, as generated documents put them), with this
 * deployment's field names.
 */
export function openApiDocument(routes: readonly DevRoute[], isServed: (route: DevRoute) => boolean, renames: (route: DevRoute) => readonly RenamedField[]): unknown {
  const paths: Record<string, Record<string, object>> = {};
  const schemas: Record<string, unknown> = {};
  for (const route of routes) {
    if (!isServed(route)) continue;
    const operationId = `${route.method.toLowerCase()}-${route.route}`;
    const operation: Record<string, unknown> = { operationId };
    if (route.accepts) {
      const { $schema: _, ...schema } = z.toJSONSchema(route.accepts.schema, { io: 'input' }) as Record<string, unknown>;
      schemas[operationId] = renamedSchema(schema, renames(route));
      operation['requestBody'] = { required: true, content: { [route.accepts.contentType]: { schema: { $ref: `#/components/schemas/${operationId}` } } } };
    }
    (paths[ROUTES[route.route]] ??= {})[route.method.toLowerCase()] = operation;
  }
  return { openapi: '3.1.0', info: { title: 'Inter-Hub (ops-hub dev server)', version: 'v2' }, servers: [{ url: API_ROOT }], paths, components: { schemas } };
}

function renamedSchema(schema: Record<string, unknown>, renames: readonly RenamedField[]): Record<string, unknown> {
  const rename = (name: string) => renames.find((r) => r.from === name)?.to ?? name;
  const properties = (schema['properties'] ?? {}) as Record<string, unknown>;
  return {
    ...schema,
    properties: Object.fromEntries(Object.entries(properties).map(([k, v]) => [rename(k), v])),
    ...(Array.isArray(schema['required']) ? { required: (schema['required'] as string[]).map(rename) } : {}),
  };
}

/** A body as this deployment names its fields, read as the contract names them: `to` is taken for `from`, `from` is unknown here. */
export function contractNames(json: unknown, renames: readonly RenamedField[]): unknown {
  if (renames.length === 0 || json === null || typeof json !== 'object' || Array.isArray(json)) return json;
  const out: Record<string, unknown> = { ...(json as Record<string, unknown>) };
  for (const { from, to } of renames) {
    delete out[from];
    if (to in (json as Record<string, unknown>)) out[from] = (json as Record<string, unknown>)[to];
  }
  return out;
}

function createWidget(store: DevStore, principal: Principal, input: z.infer<typeof widgetCreateSchema>): HttpAnswer {
  const hub = store.state.hubs.find((h) => h.id === input.hubId);
  if (!hub) throw new HttpAnswer(422, { errors: { hubId: 'unknown hub' } });
  if (principal.kind === 'consumer' && !principal.scopes.includes(`hub:${hub.slug}:write`)) {
    throw new HttpAnswer(403, { error: 'insufficient_scope' });
  }
  const errors: Record<string, string> = {};
  if (!store.registered('widgetTypes', input.widgetType)) errors['widgetType'] = `"${input.widgetType}" is not in the widget-type registry`;
  if (!store.registered('policyScopes', input.policyScope)) errors['policyScope'] = `"${input.policyScope}" is not in the policy-scope registry`;
  if (Object.keys(errors).length > 0) throw new HttpAnswer(422, { errors });
  const at = new Date().toISOString();
  const widget: Widget = {
    id: randomUUID(),
    hubId: input.hubId,
    name: input.name,
    widgetType: input.widgetType,
    capabilityRef: input.capabilityRef ?? null,
    viewContext: input.viewContext ?? null,
    policyScope: input.policyScope,
    status: input.status,
    adapterSpecId: input.adapterSpecId ?? null,
    createdAt: at,
    updatedAt: at,
  };
  store.state.widgets.push(widget);
  return new HttpAnswer(201, widget);
}

/**
 * Events and annotations name a widget and a vocabulary entry (event type,
 * annotation category) that must be registered and, for a consumer bound to
 * an active manifest, declared by it; otherwise 422 on that field.
 */
function checkPost(store: DevStore, principal: Principal, widgetId: string, field: string, registry: RegistryName, name: string): Widget {
  const widget = store.state.widgets.find((w) => w.id === widgetId);
  if (!widget) throw new HttpAnswer(422, { errors: { widgetId: 'unknown widget' } });
  const what = registry === 'eventTypes' ? 'event-type' : 'annotation-category';
  if (!store.registered(registry, name)) throw new HttpAnswer(422, { errors: { [field]: `"${name}" is not in the ${what} registry` } });
  if (principal.kind === 'consumer') {
    const manifest = store.state.manifests.find((m) => m.id === principal.consumer.manifestId);
    const declared = registry === 'eventTypes' ? manifest?.declaredEventTypes : manifest?.declaredAnnotationCategories;
    if (manifest?.status === 'active' && !declared?.includes(name)) {
      throw new HttpAnswer(422, { errors: { [field]: `"${name}" is not declared by the consumer's active manifest` } });
    }
  }
  return widget;
}

function createEvent(store: DevStore, principal: Principal, input: z.infer<typeof eventCreateSchema>): HttpAnswer {
  const widget = checkPost(store, principal, input.widgetId, 'eventType', 'eventTypes', input.eventType);
  const event: InteractionEvent = {
    id: randomUUID(),
    widgetId: widget.id,
    eventType: input.eventType,
    viewContextRef: input.viewContext ?? null,
    metadata: input.metadata ?? null,
    occurredAt: new Date().toISOString(),
    actorType: 'api',
  };
  store.state.events.push(event);
  return new HttpAnswer(201, event);
}

function createAnnotation(store: DevStore, principal: Principal, input: z.infer<typeof annotationCreateSchema>): HttpAnswer {
  const widget = checkPost(store, principal, input.widgetId, 'category', 'annotationCategories', input.category);
  const annotation: Annotation = {
    id: randomUUID(),
    widgetId: widget.id,
    category: input.category,
    body: input.body,
    metadata: input.metadata ?? null,
    createdAt: new Date().toISOString(),
    actorType: 'api',
  };
  store.state.annotations.push(annotation);
  return new HttpAnswer(201, annotation);
}

function find<T extends { id: string }>(items: readonly T[], id: string | undefined): T {
  const found = items.find((i) => i.id === id);
  if (!found) throw new HttpAnswer(404, { error: 'not_found' });
  return found;
}

/** Newest first, so that items created while a client walks the pages push the rest to later pages. */
function newestFirst<T>(items: readonly T[]): T[] {
  return [...items].reverse();
}
