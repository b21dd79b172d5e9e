import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RUNTIME_KEY_SCOPES, presentedBearer } from '../wire/token.ts';
import type { ApiConsumer, ManifestCreate } from '../wire/bootstrap.ts';
import type { HubCreate } from '../wire/hubs.ts';
import { API_ROOT, JSON_CONTENT_TYPE, ROUTES, type RouteName } from '../wire/routes.ts';
import { DevAuth } from './auth.ts';
import type { Method } from '../wire/operations.ts';
import { AS_ASSUMED, isPublic, renamesOf, served, servesOperation, withExtraFields, type DevDeployment } from './deployment.ts';
import { beforeRoute, NO_FAULTS, type DevServerFaults } from './faults.ts';
import { HttpAnswer, parseBody, readBody, send, type Body } from './http.ts';
import { contractNames, devRoutes, openApiDocument, type DevRoute } from './routes.ts';
import { DevStore, type DevState } from './state.ts';

/**
 * ops-hub's own Inter-Hub: the `/api/v2` contract in memory (optionally
 * persisted to a JSON file), with switches for the faults a sync must survive
 * and for the ways deployments differ. Operators rehearse against it; the
 * tests drive it over real HTTP. It binds to 127.0.0.1 unless told otherwise.
 */

export type { DevServerFaults } from './faults.ts';
export type { DevDeployment } from './deployment.ts';
export { NO_FAULTS } from './faults.ts';

export interface DevServerOptions {
  port?: number;
  host?: string;
  /** Persist the state to this JSON file (atomic writes); loaded at start when it exists. */
  dataFile?: string;
  /** The bootstrap surface (`/hubs`, manifests, API consumers, policy scopes): on = the gate is open. */
  gateOpen?: boolean;
  faults?: Partial<DevServerFaults>;
  deployment?: Partial<DevDeployment>;
  /** Bearer key of the operator for the bootstrap routes. */
  operatorKey?: string;
}

export interface SeededHub {
  hubId: string;
  manifestId: string;
  consumerId: string;
}

/** One request as the server saw it: never a header value, only whether a bearer token came along. */
export interface ReceivedRequest {
  method: string;
  /** The route template (`/widgets`), or the path as sent when it matches no route. */
  path: string;
  bearer: boolean;
  /** The status answered; `dropped` by a fault, `abandoned` when the client hung up first; undefined while in flight. */
  outcome?: number | 'dropped' | 'abandoned';
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
  deployment: DevDeployment;
  gateOpen: boolean;
  /** Every request, in the order it arrived. */
  readonly received: ReceivedRequest[] = [];

  private readonly store: DevStore;
  private readonly auth: DevAuth;
  private readonly routes: DevRoute[];
  private server?: Server;
  private apiCalls = 0;
  private inFlight = 0;
  private idle: Array<() => void> = [];

  private constructor(store: DevStore, options: DevServerOptions) {
    this.store = store;
    this.faults = { ...NO_FAULTS, ...options.faults };
    this.deployment = { ...AS_ASSUMED, ...options.deployment };
    this.gateOpen = options.gateOpen ?? true;
    this.auth = new DevAuth(store, options.operatorKey);
    this.routes = devRoutes({
      store,
      auth: this.auth,
      faults: () => this.faults,
      openApi: () =>
        openApiDocument(
          this.routes,
          (r) => served(r.route, this.gateOpen, this.deployment) && servesOperation(r.method, r.route, this.deployment),
          (r) => renamesOf(r.method, r.route, this.deployment),
        ),
    });
  }

  static async start(options: DevServerOptions = {}): Promise<InterHubDevServer> {
    const dev = new InterHubDevServer(await DevStore.open(options.dataFile), options);
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
    await this.store.flush();
  }

  /** A read-only view of everything the server holds. */
  snapshot(): DevState {
    return structuredClone(this.store.state);
  }

  /** Every access token handed out, so tests can scan output for them. */
  issuedTokens(): readonly string[] {
    return this.auth.issued;
  }

  /** Resolves once no request is being handled. */
  whenIdle(): Promise<void> {
    return this.inFlight === 0 ? Promise.resolve() : new Promise((resolve) => this.idle.push(resolve));
  }

  /** Creates (or reuses) a hub with an active manifest and an API consumer holding `key`, as bootstrap would. */
  seedHub(input: { hub: HubCreate; manifest: Omit<ManifestCreate, 'hubId'>; key: string; consumerId?: string; consumerName?: string }): SeededHub {
    const { state } = this.store;
    const hub = state.hubs.find((h) => h.slug === input.hub.slug) ?? this.store.insertHub(input.hub);
    const manifest = this.store.insertManifest({ ...input.manifest, hubId: hub.id });
    const conflict = this.store.activate(manifest);
    if (conflict) throw new Error(`cannot seed the hub: ${Object.values(conflict).join('; ')}`);
    const consumer: ApiConsumer = {
      id: input.consumerId ?? randomUUID(),
      name: input.consumerName ?? input.hub.slug,
      description: `API consumer for ${input.hub.name}`,
      manifestId: manifest.id,
    };
    state.consumers = state.consumers.filter((c) => c.id !== consumer.id);
    state.consumers.push(consumer);
    this.store.insertKey(consumer.id, RUNTIME_KEY_SCOPES, input.key);
    this.store.changed();
    return { hubId: hub.id, manifestId: manifest.id, consumerId: consumer.id };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://dev');
    const match = matchRoute(url.pathname);
    const seen: ReceivedRequest = { method: req.method ?? 'GET', path: match ? ROUTES[match.route] : url.pathname, bearer: presentedBearer(req.headers.authorization) !== undefined };
    this.received.push(seen);
    this.inFlight++;
    res.once('close', () => {
      seen.outcome ??= res.writableFinished ? res.statusCode : 'abandoned';
      if (--this.inFlight === 0) for (const resolve of this.idle.splice(0)) resolve();
    });
    try {
      if (!match || !served(match.route, this.gateOpen, this.deployment)) throw new HttpAnswer(404, { error: 'not_found' });
      if ((await beforeRoute(this.faults, ++this.apiCalls, match.route, res)) === 'stalled') return;
      const answer = await this.dispatch(req, match.route, match.id, url.searchParams);
      if (answer === 'dropped') seen.outcome = 'dropped';
      else send(res, this.deployment.extraFields && answer.status < 300 && match.route !== 'openapi' ? new HttpAnswer(answer.status, withExtraFields(answer.body), answer.headers) : answer);
    } catch (err) {
      send(res, err instanceof HttpAnswer ? err : new HttpAnswer(500, { error: 'server_error' }));
    }
  }

  private async dispatch(req: IncomingMessage, route: RouteName, id: string | undefined, query: URLSearchParams): Promise<HttpAnswer | 'dropped'> {
    // Routing before authentication: a method the route does not serve is 405 to anyone.
    const method = req.method as Method;
    const handler = this.routes.find((r) => r.route === route && r.method === method && servesOperation(method, route, this.deployment));
    if (!handler) throw new HttpAnswer(405, { error: 'method_not_allowed' });
    const principal = isPublic(route, this.deployment) ? undefined : this.auth.principal(req, Date.now());
    if (handler.operatorOnly && principal?.kind !== 'operator') throw new HttpAnswer(403, { error: 'insufficient_scope' });
    // Only a route that takes a body reads one: a GET's is ignored, as servers do.
    const body: Body = handler.accepts ? await readBody(req) : { type: 'none' };
    const input = handler.accepts?.contentType === JSON_CONTENT_TYPE ? this.input(handler, body) : undefined;
    return handler.handle({ req, id, query, principal, body, input });
  }

  /** The body checked against the route's schema, under this deployment's field names (a 422 names the field as it does). */
  private input(handler: DevRoute, body: Body): unknown {
    const renames = renamesOf(handler.method, handler.route, this.deployment);
    try {
      return parseBody(handler.accepts!.schema, body.type === 'json' ? { type: 'json', json: contractNames(body.json, renames) } : body);
    } catch (err) {
      if (!(err instanceof HttpAnswer) || err.status !== 422 || renames.length === 0) throw err;
      const { errors } = err.body as { errors: Record<string, string> };
      const here = (field: string) => renames.find((r) => r.from === field)?.to ?? field;
      throw new HttpAnswer(422, { errors: Object.fromEntries(Object.entries(errors).map(([f, m]) => [here(f), m])) });
    }
  }
}
