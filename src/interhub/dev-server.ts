import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { writeFileAtomic } from '../util/atomic-write.ts';
import {
  API_ROOT,
  apiConsumerCreateSchema,
  BOOTSTRAP_ROUTES,
  eventCreateSchema,
  hubCreateSchema,
  keyCreateSchema,
  manifestCreateSchema,
  PAGE_SIZE,
  PUBLIC_ROUTES,
  ROUTES,
  RUNTIME_KEY_SCOPES,
  widgetCreateSchema,
  type ApiConsumer,
  type Hub,
  type HubManifest,
  type InteractionEvent,
  type ManifestCreate,
  type RegistryName,
  type RouteName,
  type Widget,
} from './wire.ts';

/**
 * ops-hub's own Inter-Hub: the `/api/v2` contract in memory (optionally
 * persisted to a JSON file), with switches for the faults a sync must
 * survive. Operators rehearse against it; the tests drive it over real HTTP.
 * It binds to 127.0.0.1 unless told otherwise.
 */

export interface DevServerFaults {
  /** Added to every API answer. */
  latencyMs: number;
  /** Every Nth API request answers 429 with Retry-After (0 = off). */
  rateLimitEvery: number;
  retryAfterS: number;
  /** Every Nth API request answers 500 before doing anything (0 = off). */
  failEvery: number;
  /** Every Nth committed create drops the connection instead of answering (0 = off). */
  dropAfterCommitEvery: number;
  /**
   * How long a token really lives. `expires_in` advertises it rounded up to
   * whole seconds, so sub-second lifetimes expire before the client expects:
   * the mid-run expiry a client must survive.
   */
  tokenTtlMs: number;
  /** Items of another hub inserted at the head of a list before each page ≥ 2 is answered (0 = off). */
  shiftPagesBy: number;
}

export const NO_FAULTS: DevServerFaults = {
  latencyMs: 0,
  rateLimitEvery: 0,
  retryAfterS: 1,
  failEvery: 0,
  dropAfterCommitEvery: 0,
  tokenTtlMs: 3_600_000,
  shiftPagesBy: 0,
};

export interface DevServerOptions {
  port?: number;
  host?: string;
  /** Persist the state to this JSON file (atomic writes); loaded at start when it exists. */
  dataFile?: string;
  /** The bootstrap surface (`/hubs`, manifests, API consumers, policy scopes): on = the gate is open. */
  gateOpen?: boolean;
  faults?: Partial<DevServerFaults>;
  /** Bearer key of the operator for the bootstrap routes. */
  operatorKey?: string;
  now?: () => Date;
}

export interface SeededHub {
  hubId: string;
  manifestId: string;
  consumerId: string;
}

const registryEntrySchema = z.object({ name: z.string(), description: z.string().nullable(), hubId: z.string().nullable() });

const stateSchema = z.object({
  hubs: z.array(z.custom<Hub>()),
  manifests: z.array(z.custom<HubManifest>()),
  consumers: z.array(z.custom<ApiConsumer>()),
  keys: z.array(z.object({ id: z.string(), consumerId: z.string(), prefix: z.string(), hash: z.string(), scopes: z.array(z.string()) })),
  registries: z.object({
    widgetTypes: z.array(registryEntrySchema),
    eventTypes: z.array(registryEntrySchema),
    annotationCategories: z.array(registryEntrySchema),
    policyScopes: z.array(registryEntrySchema),
  }),
  widgets: z.array(z.custom<Widget>()),
  events: z.array(z.custom<InteractionEvent>()),
});
export type DevState = z.infer<typeof stateSchema>;

type DevRegistryEntry = DevState['registries'][RegistryName][number];

/** What the framework itself declares before any hub does. */
function emptyState(): DevState {
  const framework = (name: string, description: string): DevRegistryEntry => ({ name, description, hubId: null });
  return {
    hubs: [],
    manifests: [],
    consumers: [],
    keys: [],
    registries: {
      widgetTypes: [framework('generic', 'Framework generic widget')],
      eventTypes: [framework('clicked', 'Framework interaction'), framework('viewed', 'Framework interaction')],
      annotationCategories: [framework('note', 'Framework note')],
      policyScopes: [framework('internal', 'Framework default scope'), framework('public', 'Readable by anyone')],
    },
    widgets: [],
    events: [],
  };
}

type Principal = { kind: 'operator' } | { kind: 'consumer'; consumer: ApiConsumer; scopes: string[] };

interface Call {
  req: IncomingMessage;
  res: ServerResponse;
  route: RouteName;
  id: string | undefined;
  query: URLSearchParams;
}

class HttpAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Record<string, string>;

  constructor(status: number, body: unknown, headers: Record<string, string> = {}) {
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

const MATCHERS = (Object.entries(ROUTES) as Array<[RouteName, string]>).map(([route, template]) => ({
  route,
  regex: new RegExp(`^${API_ROOT}${template.replace('{id}', '([^/]+)')}$`),
}));

function matchRoute(pathname: string): { route: RouteName; id: string | undefined } | undefined {
  for (const { route, regex } of MATCHERS) {
    const found = regex.exec(pathname);
    if (found) return { route, id: found[1] === undefined ? undefined : decodeURIComponent(found[1]) };
  }
  return undefined;
}

export class InterHubDevServer {
  faults: DevServerFaults;
  gateOpen: boolean;
  /** API requests answered, by "METHOD /template". */
  readonly requests = new Map<string, number>();

  private state: DevState = emptyState();
  private readonly tokens = new Map<string, { consumerId: string; scopes: string[]; expiresAtMs: number }>();
  private readonly issued: string[] = [];
  private server?: Server;
  private apiCalls = 0;
  private commits = 0;
  private flushing: Promise<void> = Promise.resolve();
  private dirty = false;

  private readonly options: DevServerOptions;

  private constructor(options: DevServerOptions) {
    this.options = options;
    this.faults = { ...NO_FAULTS, ...options.faults };
    this.gateOpen = options.gateOpen ?? true;
  }

  static async start(options: DevServerOptions = {}): Promise<InterHubDevServer> {
    const dev = new InterHubDevServer(options);
    if (options.dataFile) dev.state = await loadState(options.dataFile);
    const server = createServer((req, res) => void dev.handle(req, res));
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    dev.server = server;
    return dev;
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error('the dev server is not listening');
    return `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.close(() => resolve());
      this.server?.closeAllConnections();
    });
    await this.flush();
  }

  /** A read-only view of everything the server holds. */
  snapshot(): DevState {
    return structuredClone(this.state);
  }

  /** Every access token handed out, so tests can scan output for them. */
  issuedTokens(): readonly string[] {
    return this.issued;
  }

  /** Creates (or reuses) a hub with an active manifest and an API consumer holding `key`, as bootstrap would. */
  seedHub(input: { hub: { name: string; slug: string; domain: string; hubKind: string }; manifest: Omit<ManifestCreate, 'hubId'>; key: string; consumerId?: string; consumerName?: string }): SeededHub {
    const hub = this.state.hubs.find((h) => h.slug === input.hub.slug) ?? this.insertHub(input.hub);
    const manifest = this.insertManifest({ ...input.manifest, hubId: hub.id });
    const conflict = this.activate(manifest);
    if (conflict) throw new Error(`cannot seed the hub: ${Object.values(conflict).join('; ')}`);
    const consumer: ApiConsumer = {
      id: input.consumerId ?? randomUUID(),
      name: input.consumerName ?? input.hub.slug,
      description: `API consumer for ${input.hub.name}`,
      manifestId: manifest.id,
    };
    this.state.consumers = this.state.consumers.filter((c) => c.id !== consumer.id);
    this.state.consumers.push(consumer);
    this.insertKey(consumer.id, RUNTIME_KEY_SCOPES, input.key);
    this.changed();
    return { hubId: hub.id, manifestId: manifest.id, consumerId: consumer.id };
  }

  // ── HTTP ─────────────────────────────────────────────────────────────────

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://dev');
    try {
      const match = matchRoute(url.pathname);
      if (!match || (!this.gateOpen && BOOTSTRAP_ROUTES.includes(match.route))) throw new HttpAnswer(404, { error: 'not_found' });
      const n = ++this.apiCalls;
      if (this.faults.latencyMs > 0) await delay(this.faults.latencyMs);
      if (this.faults.failEvery > 0 && n % this.faults.failEvery === 0) throw new HttpAnswer(500, { error: 'injected_failure' });
      if (this.faults.rateLimitEvery > 0 && n % this.faults.rateLimitEvery === 0) {
        throw new HttpAnswer(429, { error: 'rate_limited' }, { 'retry-after': String(this.faults.retryAfterS) });
      }
      this.count(`${req.method} ${ROUTES[match.route]}`);
      const answer = await this.route({ req, res, route: match.route, id: match.id, query: url.searchParams });
      if (answer !== 'dropped') send(res, answer);
    } catch (err) {
      send(res, err instanceof HttpAnswer ? err : new HttpAnswer(500, { error: 'server_error' }));
    }
  }

  private async route(call: Call): Promise<HttpAnswer | 'dropped'> {
    const { req, route } = call;
    const method = req.method ?? 'GET';
    const principal = PUBLIC_ROUTES.includes(route) || route === 'token' ? undefined : this.authenticate(req);
    const operatorOnly = () => {
      if (principal?.kind !== 'operator') throw new HttpAnswer(403, { error: 'insufficient_scope' });
    };
    const key = `${method} ${route}`;
    switch (key) {
      case 'GET openapi':
        return new HttpAnswer(200, this.openApi());
      case 'GET docs':
        return new HttpAnswer(200, { title: 'Inter-Hub dev server', openapi: `${API_ROOT}${ROUTES.openapi}` });
      case 'POST token':
        return this.token(await readBody(req));
      case 'GET widgetTypes':
      case 'GET eventTypes':
      case 'GET annotationCategories':
      case 'GET policyScopes':
        return this.page(call, () => [...this.state.registries[route as RegistryName]].sort((a, b) => a.name.localeCompare(b.name)));
      case 'GET hubRegistry':
        return this.page(call, () => this.state.hubs);
      case 'GET hubRegistryEntry':
        return new HttpAnswer(200, this.find(this.state.hubs, call.id));
      case 'GET widgets':
        return this.page(call, () => this.listWidgets(call.query), () => this.shiftWidgets(call.query.get('hubId') ?? undefined));
      case 'GET widget':
        return new HttpAnswer(200, this.find(this.state.widgets, call.id));
      case 'POST widgets':
        return this.commit(call, this.createWidget(principal!, await readBody(req)));
      case 'GET interactionEvents':
        return this.page(call, () => this.listEvents(call.query), () => this.shiftEvents());
      case 'POST interactionEvents':
        return this.commit(call, this.createEvent(principal!, await readBody(req)));
      case 'GET hubs':
        operatorOnly();
        return this.page(call, () => this.state.hubs);
      case 'POST hubs':
        operatorOnly();
        return this.commit(call, this.createHub(await readBody(req)));
      case 'GET manifests': {
        operatorOnly();
        const hubId = call.query.get('hubId');
        return this.page(call, () => this.state.manifests.filter((m) => !hubId || m.hubId === hubId));
      }
      case 'POST manifests':
        operatorOnly();
        return this.commit(call, this.createManifest(await readBody(req)));
      case 'POST manifestActivate': {
        operatorOnly();
        const manifest = this.find(this.state.manifests, call.id);
        const conflict = this.activate(manifest);
        if (conflict) throw new HttpAnswer(422, { errors: conflict });
        this.changed();
        return new HttpAnswer(200, manifest);
      }
      case 'GET apiConsumers':
        operatorOnly();
        return this.page(call, () => this.state.consumers);
      case 'POST apiConsumers':
        operatorOnly();
        return this.commit(call, this.createConsumer(await readBody(req)));
      case 'POST apiConsumerKeys': {
        operatorOnly();
        const consumer = this.find(this.state.consumers, call.id);
        const body = parseBody(keyCreateSchema, jsonOf(await readBody(req)));
        const key = `ihk_${randomBytes(24).toString('base64url')}`;
        const stored = this.insertKey(consumer.id, body.scopes, key);
        this.changed();
        return this.commit(call, new HttpAnswer(201, { id: stored.id, prefix: stored.prefix, key, scopes: stored.scopes }));
      }
      default:
        throw new HttpAnswer(405, { error: 'method_not_allowed' });
    }
  }

  /** A create has committed; answer it, or (as a fault) drop the connection without an answer. */
  private commit(call: Call, answer: HttpAnswer): HttpAnswer | 'dropped' {
    const n = ++this.commits;
    if (this.faults.dropAfterCommitEvery > 0 && n % this.faults.dropAfterCommitEvery === 0) {
      call.req.socket.destroy();
      return 'dropped';
    }
    return answer;
  }

  /** One page of a list; with shifting pages on, items are inserted at the head before pages ≥ 2 are read. */
  private page<T>(call: Call, list: () => T[], shift?: () => void): HttpAnswer {
    const page = positiveInt(call.query.get('page'), 1);
    const pageSize = Math.min(positiveInt(call.query.get('pageSize'), PAGE_SIZE), PAGE_SIZE);
    if (shift && page >= 2 && this.faults.shiftPagesBy > 0) shift();
    const items = list();
    return new HttpAnswer(200, { data: items.slice((page - 1) * pageSize, page * pageSize), meta: { page, pageSize, total: items.length } });
  }

  private listWidgets(query: URLSearchParams): Widget[] {
    const hubId = query.get('hubId');
    return newestFirst(this.state.widgets.filter((w) => !hubId || w.hubId === hubId));
  }

  private listEvents(query: URLSearchParams): InteractionEvent[] {
    const widgetId = query.get('widgetId');
    const eventType = query.get('eventType');
    return newestFirst(this.state.events.filter((e) => (!widgetId || e.widgetId === widgetId) && (!eventType || e.eventType === eventType)));
  }

  // ── Authentication ───────────────────────────────────────────────────────

  private token(body: Body): HttpAnswer {
    if (body.type !== 'form') throw new HttpAnswer(400, { error: 'invalid_request', error_description: 'form-encoded body required' });
    const form = body.form;
    if (form.get('grant_type') !== 'client_credentials') throw new HttpAnswer(400, { error: 'unsupported_grant_type' });
    const consumer = this.state.consumers.find((c) => c.id === form.get('client_id'));
    const secret = form.get('client_secret') ?? '';
    const key = consumer && this.state.keys.find((k) => k.consumerId === consumer.id && k.hash === sha256(secret));
    if (!consumer || !key) throw new HttpAnswer(401, { error: 'invalid_client' });
    const requested = (form.get('scope') ?? key.scopes.join(' ')).split(' ').filter(Boolean);
    if (requested.some((s) => !key.scopes.includes(s))) throw new HttpAnswer(400, { error: 'invalid_scope' });
    const accessToken = randomBytes(32).toString('base64url');
    this.tokens.set(accessToken, { consumerId: consumer.id, scopes: requested, expiresAtMs: this.now().getTime() + this.faults.tokenTtlMs });
    this.issued.push(accessToken);
    return new HttpAnswer(200, {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: Math.max(1, Math.ceil(this.faults.tokenTtlMs / 1000)),
      scope: requested.join(' '),
    });
  }

  private authenticate(req: IncomingMessage): Principal {
    const header = req.headers.authorization ?? '';
    const presented = /^Bearer (.+)$/.exec(header)?.[1];
    if (!presented) throw new HttpAnswer(401, { error: 'missing_token' });
    if (this.options.operatorKey && presented === this.options.operatorKey) return { kind: 'operator' };
    const token = this.tokens.get(presented);
    if (!token || token.expiresAtMs <= this.now().getTime()) throw new HttpAnswer(401, { error: 'invalid_token' });
    const consumer = this.state.consumers.find((c) => c.id === token.consumerId);
    if (!consumer) throw new HttpAnswer(401, { error: 'invalid_token' });
    return { kind: 'consumer', consumer, scopes: token.scopes };
  }

  // ── Creates ──────────────────────────────────────────────────────────────

  private createWidget(principal: Principal, body: Body): HttpAnswer {
    const input = parseBody(widgetCreateSchema, jsonOf(body));
    const hub = this.state.hubs.find((h) => h.id === input.hubId);
    if (!hub) throw new HttpAnswer(422, { errors: { hubId: 'unknown hub' } });
    if (principal.kind === 'consumer' && !principal.scopes.includes(`hub:${hub.slug}:write`)) {
      throw new HttpAnswer(403, { error: 'insufficient_scope' });
    }
    const errors: Record<string, string> = {};
    if (!this.registered('widgetTypes', input.widgetType)) errors['widgetType'] = `"${input.widgetType}" is not in the widget-type registry`;
    if (!this.registered('policyScopes', input.policyScope)) errors['policyScope'] = `"${input.policyScope}" is not in the policy-scope registry`;
    if (Object.keys(errors).length > 0) throw new HttpAnswer(422, { errors });
    const at = this.now().toISOString();
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
    this.state.widgets.push(widget);
    this.changed();
    return new HttpAnswer(201, widget);
  }

  private createEvent(principal: Principal, body: Body): HttpAnswer {
    const input = parseBody(eventCreateSchema, jsonOf(body));
    const widget = this.state.widgets.find((w) => w.id === input.widgetId);
    if (!widget) throw new HttpAnswer(422, { errors: { widgetId: 'unknown widget' } });
    if (!this.registered('eventTypes', input.eventType)) {
      throw new HttpAnswer(422, { errors: { eventType: `"${input.eventType}" is not in the event-type registry` } });
    }
    if (principal.kind === 'consumer') {
      const manifest = this.state.manifests.find((m) => m.id === principal.consumer.manifestId);
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
      occurredAt: this.now().toISOString(),
      actorType: 'api',
    };
    this.state.events.push(event);
    this.changed();
    return new HttpAnswer(201, event);
  }

  private createHub(body: Body): HttpAnswer {
    const input = parseBody(hubCreateSchema, jsonOf(body));
    if (this.state.hubs.some((h) => h.slug === input.slug)) throw new HttpAnswer(422, { errors: { slug: 'already taken' } });
    const hub = this.insertHub(input);
    this.changed();
    return new HttpAnswer(201, hub);
  }

  private createManifest(body: Body): HttpAnswer {
    const input = parseBody(manifestCreateSchema, jsonOf(body));
    if (!this.state.hubs.some((h) => h.id === input.hubId)) throw new HttpAnswer(422, { errors: { hubId: 'unknown hub' } });
    const manifest = this.insertManifest(input);
    this.changed();
    return new HttpAnswer(201, manifest);
  }

  private createConsumer(body: Body): HttpAnswer {
    const input = parseBody(apiConsumerCreateSchema, jsonOf(body));
    if (!this.state.manifests.some((m) => m.id === input.manifestId)) throw new HttpAnswer(422, { errors: { manifestId: 'unknown manifest' } });
    const consumer: ApiConsumer = { id: randomUUID(), ...input };
    this.state.consumers.push(consumer);
    this.changed();
    return new HttpAnswer(201, consumer);
  }

  private insertHub(input: { name: string; slug: string; domain: string; hubKind: string }): Hub {
    const hub: Hub = { id: randomUUID(), ...input };
    this.state.hubs.push(hub);
    return hub;
  }

  private insertManifest(input: ManifestCreate): HubManifest {
    const manifest: HubManifest = { id: randomUUID(), ...input, status: 'draft' };
    this.state.manifests.push(manifest);
    return manifest;
  }

  private insertKey(consumerId: string, scopes: string[], key: string) {
    const stored = { id: randomUUID(), consumerId, prefix: key.slice(0, 8), hash: sha256(key), scopes };
    this.state.keys.push(stored);
    return stored;
  }

  /** Activates a manifest and registers its vocabulary; a name another hub owns is a conflict. */
  private activate(manifest: HubManifest): Record<string, string> | undefined {
    const declared: Array<[RegistryName, string[]]> = [
      ['widgetTypes', manifest.declaredWidgetTypes],
      ['eventTypes', manifest.declaredEventTypes],
      ['annotationCategories', manifest.declaredAnnotationCategories],
      ['policyScopes', manifest.declaredPolicyScopes],
    ];
    const conflicts: Record<string, string> = {};
    for (const [registry, names] of declared) {
      for (const name of names) {
        const owner = this.state.registries[registry].find((e) => e.name === name)?.hubId;
        if (owner && owner !== manifest.hubId) conflicts[registry] = `"${name}" is declared by another hub`;
      }
    }
    if (Object.keys(conflicts).length > 0) return conflicts;
    for (const other of this.state.manifests) if (other.hubId === manifest.hubId && other.status === 'active') other.status = 'inactive';
    manifest.status = 'active';
    const hub = this.state.hubs.find((h) => h.id === manifest.hubId);
    for (const [registry, names] of declared) {
      for (const name of names) {
        if (!this.state.registries[registry].some((e) => e.name === name)) {
          this.state.registries[registry].push({ name, description: `declared by ${hub?.slug ?? manifest.hubId} ${manifest.version}`, hubId: manifest.hubId });
        }
      }
    }
    return undefined;
  }

  // ── Faults ───────────────────────────────────────────────────────────────

  private noiseHub(): Hub {
    return this.state.hubs.find((h) => h.slug === 'noise-hub') ?? this.insertHub({ name: 'Noise', slug: 'noise-hub', domain: 'noise.invalid', hubKind: 'domain' });
  }

  /** Widgets another client creates meanwhile: in the hub being listed, so a filtered walk shifts too. */
  private shiftWidgets(hubId?: string): void {
    const inHub = hubId ?? this.noiseHub().id;
    for (let i = 0; i < this.faults.shiftPagesBy; i++) {
      const at = this.now().toISOString();
      this.state.widgets.push({ id: randomUUID(), hubId: inHub, name: `noise-${randomUUID().slice(0, 8)}`, widgetType: 'generic', policyScope: 'internal', status: 'active', createdAt: at, updatedAt: at });
    }
  }

  private shiftEvents(): void {
    const hub = this.noiseHub();
    let widget = this.state.widgets.find((w) => w.hubId === hub.id);
    if (!widget) {
      this.shiftWidgets();
      widget = this.state.widgets.find((w) => w.hubId === hub.id)!;
    }
    for (let i = 0; i < this.faults.shiftPagesBy; i++) {
      this.state.events.push({ id: randomUUID(), widgetId: widget.id, eventType: 'clicked', metadata: null, occurredAt: this.now().toISOString(), actorType: 'api' });
    }
  }

  // ── Helpers ──────────────────────────────────────────────────────────────

  private openApi(): unknown {
    const paths: Record<string, Record<string, object>> = {};
    for (const [route, template] of Object.entries(ROUTES) as Array<[RouteName, string]>) {
      if (!this.gateOpen && BOOTSTRAP_ROUTES.includes(route)) continue;
      paths[template] = { [route === 'token' || route === 'manifestActivate' || route === 'apiConsumerKeys' ? 'post' : 'get']: { operationId: route } };
    }
    return { openapi: '3.0.3', info: { title: 'Inter-Hub (ops-hub dev server)', version: 'v2' }, paths };
  }

  private registered(registry: RegistryName, name: string): boolean {
    return this.state.registries[registry].some((e) => e.name === name);
  }

  private find<T extends { id: string }>(items: T[], id: string | undefined): T {
    const found = items.find((i) => i.id === id);
    if (!found) throw new HttpAnswer(404, { error: 'not_found' });
    return found;
  }

  private count(key: string): void {
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
  }

  private now(): Date {
    return (this.options.now ?? (() => new Date()))();
  }

  /** Persists after a change; writes are coalesced and atomic, one at a time. */
  private changed(): void {
    if (!this.options.dataFile) return;
    this.dirty = true;
    this.flushing = this.flushing.then(() => this.flushOnce());
  }

  private async flushOnce(): Promise<void> {
    if (!this.dirty || !this.options.dataFile) return;
    this.dirty = false;
    await writeFileAtomic(this.options.dataFile, `${JSON.stringify(this.state)}\n`);
  }

  private async flush(): Promise<void> {
    await this.flushing;
    await this.flushOnce();
  }
}

async function loadState(file: string): Promise<DevState> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
    throw err;
  }
  const parsed = stateSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${file} is not dev-server state: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

type Body = { type: 'json'; json: unknown } | { type: 'form'; form: URLSearchParams } | { type: 'none' };

async function readBody(req: IncomingMessage): Promise<Body> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 1_000_000) throw new HttpAnswer(413, { error: 'body_too_large' });
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
  if (type === 'application/x-www-form-urlencoded') return { type: 'form', form: new URLSearchParams(text) };
  if (type === 'application/json') {
    try {
      return { type: 'json', json: JSON.parse(text) };
    } catch {
      throw new HttpAnswer(400, { error: 'invalid_json' });
    }
  }
  return { type: 'none' };
}

function jsonOf(body: Body): unknown {
  if (body.type !== 'json') throw new HttpAnswer(415, { error: 'application/json required' });
  return body.json;
}

function parseBody<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors: Record<string, string> = {};
  for (const issue of result.error.issues) errors[issue.path.map(String).join('.') || 'body'] ??= issue.message;
  throw new HttpAnswer(422, { errors });
}

function send(res: ServerResponse, answer: HttpAnswer): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(answer.body);
  res.writeHead(answer.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...answer.headers });
  res.end(text);
}

/** Newest first, so that items created while a client walks the pages push the rest to later pages. */
function newestFirst<T>(items: readonly T[]): T[] {
  return [...items].reverse();
}

function positiveInt(value: string | null, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 ? n : fallback;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
