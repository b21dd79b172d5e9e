import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { apiConsumerCreateSchema, keyCreateSchema, manifestCreateSchema, type ApiConsumer } from '../wire/bootstrap.ts';
import { eventCreateSchema, type InteractionEvent } from '../wire/events.ts';
import { hubCreateSchema } from '../wire/hubs.ts';
import { PAGE_SIZE } from '../wire/lists.ts';
import type { RegistryName } from '../wire/registries.ts';
import { API_ROOT, ROUTES, type RouteName } from '../wire/routes.ts';
import { widgetCreateSchema, type Widget } from '../wire/widgets.ts';
import type { DevAuth, Principal } from './auth.ts';
import { dropsAfterCommit, shiftEvents, shiftWidgets, type DevServerFaults } from './faults.ts';
import { HttpAnswer, parseBody, positiveInt, readBody, type Body } from './http.ts';
import type { DevStore } from './state.ts';

/**
 * The dev server's route table: one handler per method and route of the
 * contract, each with who may call it. The server dispatches through it and
 * its OpenAPI document is derived from it, so the two cannot disagree.
 */

export type Method = 'GET' | 'POST';

export interface Call {
  req: IncomingMessage;
  id: string | undefined;
  query: URLSearchParams;
  /** Undefined on a request that may be made without a token. */
  principal: Principal | undefined;
}

export interface DevRoute {
  method: Method;
  route: RouteName;
  /** Only the operator key opens it (the bootstrap surface). */
  operatorOnly?: true;
  handle: (call: Call) => Promise<HttpAnswer | 'dropped'> | HttpAnswer | 'dropped';
}

/** What the handlers work on; the faults are read at each call, since tests switch them mid-run. */
export interface RouteContext {
  store: DevStore;
  auth: DevAuth;
  faults: () => DevServerFaults;
  /** The open bootstrap paths and the live routes, for the OpenAPI document. */
  openApi: () => unknown;
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

  const body = (call: Call): Promise<Body> => readBody(call.req);

  const registry = (route: RegistryName): DevRoute => ({
    method: 'GET',
    route,
    handle: (call) => page(call, () => [...state().registries[route]].sort((a, b) => a.name.localeCompare(b.name))),
  });

  return [
    { method: 'GET', route: 'openapi', handle: () => new HttpAnswer(200, ctx.openApi()) },
    { method: 'GET', route: 'docs', handle: () => new HttpAnswer(200, { title: 'Inter-Hub dev server', openapi: `${API_ROOT}${ROUTES.openapi}` }) },
    { method: 'POST', route: 'token', handle: async (call) => ctx.auth.exchange(await body(call), ctx.faults().tokenTtlMs, Date.now()) },
    registry('widgetTypes'),
    registry('eventTypes'),
    registry('annotationCategories'),
    registry('policyScopes'),
    { method: 'GET', route: 'hubRegistry', handle: (call) => page(call, () => state().hubs) },
    { method: 'GET', route: 'hubRegistryEntry', handle: (call) => new HttpAnswer(200, find(state().hubs, call.id)) },
    {
      method: 'GET',
      route: 'widgets',
      handle: (call) => {
        const hubId = call.query.get('hubId') ?? undefined;
        return page(call, () => newestFirst(state().widgets.filter((w) => !hubId || w.hubId === hubId)), (by) => shiftWidgets(store, by, hubId));
      },
    },
    { method: 'GET', route: 'widget', handle: (call) => new HttpAnswer(200, find(state().widgets, call.id)) },
    { method: 'POST', route: 'widgets', handle: async (call) => commit(call, createWidget(store, call.principal!, await body(call))) },
    {
      method: 'GET',
      route: 'interactionEvents',
      handle: (call) => {
        const widgetId = call.query.get('widgetId');
        const eventType = call.query.get('eventType');
        const matches = (e: InteractionEvent) => (!widgetId || e.widgetId === widgetId) && (!eventType || e.eventType === eventType);
        return page(call, () => newestFirst(state().events.filter(matches)), (by) => shiftEvents(store, by));
      },
    },
    { method: 'POST', route: 'interactionEvents', handle: async (call) => commit(call, createEvent(store, call.principal!, await body(call))) },
    { method: 'GET', route: 'hubs', operatorOnly: true, handle: (call) => page(call, () => state().hubs) },
    {
      method: 'POST',
      route: 'hubs',
      operatorOnly: true,
      handle: async (call) => {
        const input = parseBody(hubCreateSchema, await body(call));
        if (state().hubs.some((h) => h.slug === input.slug)) throw new HttpAnswer(422, { errors: { slug: 'already taken' } });
        return commit(call, new HttpAnswer(201, store.insertHub(input)));
      },
    },
    {
      method: 'GET',
      route: 'manifests',
      operatorOnly: true,
      handle: (call) => {
        const hubId = call.query.get('hubId');
        return page(call, () => state().manifests.filter((m) => !hubId || m.hubId === hubId));
      },
    },
    {
      method: 'POST',
      route: 'manifests',
      operatorOnly: true,
      handle: async (call) => {
        const input = parseBody(manifestCreateSchema, await body(call));
        if (!state().hubs.some((h) => h.id === input.hubId)) throw new HttpAnswer(422, { errors: { hubId: 'unknown hub' } });
        return commit(call, new HttpAnswer(201, store.insertManifest(input)));
      },
    },
    {
      method: 'POST',
      route: 'manifestActivate',
      operatorOnly: true,
      handle: (call) => {
        const manifest = find(state().manifests, call.id);
        const conflict = store.activate(manifest);
        if (conflict) throw new HttpAnswer(422, { errors: conflict });
        store.changed();
        return new HttpAnswer(200, manifest);
      },
    },
    { method: 'GET', route: 'apiConsumers', operatorOnly: true, handle: (call) => page(call, () => state().consumers) },
    {
      method: 'POST',
      route: 'apiConsumers',
      operatorOnly: true,
      handle: async (call) => {
        const input = parseBody(apiConsumerCreateSchema, await body(call));
        if (!state().manifests.some((m) => m.id === input.manifestId)) throw new HttpAnswer(422, { errors: { manifestId: 'unknown manifest' } });
        const consumer: ApiConsumer = { id: randomUUID(), ...input };
        state().consumers.push(consumer);
        return commit(call, new HttpAnswer(201, consumer));
      },
    },
    {
      method: 'POST',
      route: 'apiConsumerKeys',
      operatorOnly: true,
      handle: async (call) => {
        const consumer = find(state().consumers, call.id);
        const { scopes } = parseBody(keyCreateSchema, await body(call));
        const key = `ihk_${randomBytes(24).toString('base64url')}`;
        const stored = store.insertKey(consumer.id, scopes, key);
        return commit(call, new HttpAnswer(201, { id: stored.id, prefix: stored.prefix, key, scopes: stored.scopes }));
      },
    },
  ];
}

/** An OpenAPI 3 document of the routes a deployment serves, one operation per method. */
export function openApiDocument(routes: readonly DevRoute[], isServed: (route: RouteName) => boolean): unknown {
  const paths: Record<string, Record<string, object>> = {};
  for (const { method, route } of routes) {
    if (!isServed(route)) continue;
    (paths[ROUTES[route]] ??= {})[method.toLowerCase()] = { operationId: `${method.toLowerCase()}:${route}` };
  }
  return { openapi: '3.0.3', info: { title: 'Inter-Hub (ops-hub dev server)', version: 'v2' }, paths };
}

function createWidget(store: DevStore, principal: Principal, body: Body): HttpAnswer {
  const input = parseBody(widgetCreateSchema, body);
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

function createEvent(store: DevStore, principal: Principal, body: Body): HttpAnswer {
  const input = parseBody(eventCreateSchema, body);
  const widget = store.state.widgets.find((w) => w.id === input.widgetId);
  if (!widget) throw new HttpAnswer(422, { errors: { widgetId: 'unknown widget' } });
  if (!store.registered('eventTypes', input.eventType)) {
    throw new HttpAnswer(422, { errors: { eventType: `"${input.eventType}" is not in the event-type registry` } });
  }
  if (principal.kind === 'consumer') {
    const manifest = store.state.manifests.find((m) => m.id === principal.consumer.manifestId);
    if (manifest?.status === 'active' && !manifest.declaredEventTypes.includes(input.eventType)) {
      throw new HttpAnswer(422, { errors: { eventType: `"${input.eventType}" is not declared by the consumer's active manifest` } });
    }
  }
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

function find<T extends { id: string }>(items: readonly T[], id: string | undefined): T {
  const found = items.find((i) => i.id === id);
  if (!found) throw new HttpAnswer(404, { error: 'not_found' });
  return found;
}

/** Newest first, so that items created while a client walks the pages push the rest to later pages. */
function newestFirst<T>(items: readonly T[]): T[] {
  return [...items].reverse();
}
