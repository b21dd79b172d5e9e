import { parseJsonOrUndefined } from '../util/json.ts';
import pLimit, { type LimitFunction } from 'p-limit';
import { Agent, request, type Dispatcher } from 'undici';
import type { z } from 'zod';
import {
  bearer,
  errorBodySchema,
  FORM_CONTENT_TYPE,
  JSON_CONTENT_TYPE,
  listPath,
  PAGE_SIZE,
  pageSchema,
  parseWire,
  routePath,
  tokenRequestBody,
  tokenResponseSchema,
  validationErrorSchema,
  WireShapeError,
  type ListFilters,
  type Page,
  type RouteName,
} from './wire.ts';

/**
 * The one HTTP client to Inter-Hub: undici with keep-alive and timeouts,
 * bounded concurrency, OAuth2 client credentials, bounded retries. Secrets
 * (the key, the operator key, every access token) are scrubbed from every
 * message it produces; Authorization headers are never logged.
 */

export type Auth = 'none' | 'token' | 'operator';

export type InterHubErrorCode =
  | 'network'
  | 'http'
  | 'auth'
  | 'forbidden'
  | 'not-found'
  | 'validation'
  | 'rate-limited'
  | 'unexpected-response'
  | 'answer-lost';

/** A failed exchange with Inter-Hub: route (method and path, no query), code, status; never a secret. */
export class InterHubError extends Error {
  readonly code: InterHubErrorCode;
  readonly route: string;
  readonly status: number | undefined;
  /** Per-field messages of a 422. */
  readonly fields: Record<string, string> | undefined;

  constructor(code: InterHubErrorCode, route: string, message: string, status?: number, fields?: Record<string, string>) {
    super(message);
    this.code = code;
    this.route = route;
    this.status = status;
    this.fields = fields;
  }
}

export interface Credentials {
  clientId: string;
  clientSecret: string;
}

export interface RetryPolicy {
  /** Sends of one request, first included, on network errors and 5xx. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** 429s one request may wait out. */
  rateLimitWaits: number;
  /** A Retry-After longer than this fails the request instead of stalling the run. */
  maxRetryAfterMs: number;
}

export interface ClientOptions {
  base: string;
  credentials?: Credentials;
  operatorKey?: string;
  concurrency?: number;
  timeouts?: { connectMs?: number; headersMs?: number; bodyMs?: number };
  retry?: Partial<RetryPolicy>;
  /** Retries and recoveries, one line each, already scrubbed. */
  log?: (line: string) => void;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** What a create does when its answer was lost (network error, timeout, 5xx after sending). */
export type LostAnswer<T> =
  | { kind: 'repeat' }
  | { kind: 'fail'; why: string }
  | { kind: 'lookup'; find: () => Promise<T | undefined> };

export interface Sent<T> {
  value: T;
  status: number;
  /** The answer was lost and the result was found by looking it up instead of sending again. */
  recovered: boolean;
}

export interface RequestStats {
  requests: number;
  tokenExchanges: number;
  /** Paginated list requests, by route ("GET /api/v2/widgets"). */
  lists: Record<string, number>;
  writes: number;
  retries: number;
  recovered: number;
}

interface Exchange {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  text: string;
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 200, maxDelayMs: 5_000, rateLimitWaits: 8, maxRetryAfterMs: 60_000 };
const REDACTED = '[redacted]';

export class InterHubClient {
  readonly base: string;
  readonly stats: RequestStats = { requests: 0, tokenExchanges: 0, lists: {}, writes: 0, retries: 0, recovered: 0 };

  private readonly agent: Agent;
  private readonly limit: LimitFunction;
  private readonly retry: RetryPolicy;
  private readonly secrets = new Set<string>();
  private token?: { value: string; refreshAtMs: number; obtainedAtMs: number };
  /** How long tokens really lasted when one was refused earlier than `expires_in` promised. */
  private observedLifetimeMs?: number;
  private exchanging?: Promise<string>;

  private readonly options: ClientOptions;

  constructor(options: ClientOptions) {
    this.options = options;
    const url = new URL(options.base);
    // Only the origin: a base with a path, query or credentials would leak into messages.
    this.base = url.origin;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.limit = pLimit(options.concurrency ?? 8);
    this.agent = new Agent({
      keepAliveTimeout: 10_000,
      connections: options.concurrency ?? 8,
      connect: { timeout: options.timeouts?.connectMs ?? 5_000 },
      headersTimeout: options.timeouts?.headersMs ?? 15_000,
      bodyTimeout: options.timeouts?.bodyMs ?? 15_000,
    });
    for (const secret of [options.credentials?.clientSecret, options.operatorKey]) if (secret) this.secrets.add(secret);
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  /** Removes every secret this client knows from a text. */
  scrub(text: string): string {
    let out = text;
    for (const secret of this.secrets) if (secret.length >= 4) out = out.split(secret).join(REDACTED);
    return out;
  }

  async get<T>(path: string, schema: z.ZodType<T>, auth: Auth): Promise<T> {
    return (await this.send('GET', path, schema, auth, undefined, { kind: 'repeat' })).value;
  }

  /** A POST; what happens when its answer is lost is the caller's choice (look first, repeat, or fail). */
  async post<T>(path: string, body: unknown, schema: z.ZodType<T>, auth: Auth, lost: LostAnswer<T>): Promise<Sent<T>> {
    return this.send('POST', path, schema, auth, body, lost);
  }

  /**
   * Every item of a paginated list, de-duplicated by id. Lists only grow
   * (nothing is deleted), so items can shift to later pages while walking but
   * never to earlier ones: reading in order and de-duplicating sees every item
   * that existed when the walk began.
   */
  async listAll<T extends { id: string }>(name: RouteName, item: z.ZodType<T>, auth: Auth, filters: ListFilters = {}): Promise<T[]> {
    return this.walk(name, item, auth, filters, (e) => e.id);
  }

  /** A list whose entries have no id (the registries): de-duplicated by name. */
  async listNamed<T extends { name: string }>(name: RouteName, item: z.ZodType<T>, auth: Auth): Promise<T[]> {
    return this.walk(name, item, auth, {}, (e) => e.name);
  }

  /**
   * Page 1 tells the total; the other pages are then read at once. If the
   * total moved meanwhile (items created during the walk), concurrent reads
   * could have missed a shifted item, so the list is walked again in order.
   */
  private async walk<T>(name: RouteName, item: z.ZodType<T>, auth: Auth, filters: ListFilters, keyOf: (t: T) => string): Promise<T[]> {
    const seen = new Map<string, T>();
    const add = (data: readonly T[]) => {
      for (const entry of data) if (!seen.has(keyOf(entry))) seen.set(keyOf(entry), entry);
    };
    const first = await this.page(name, item, auth, filters, 1);
    add(first.data);
    const pageSize = Math.min(first.meta.pageSize, PAGE_SIZE);
    const pages = first.data.length < pageSize ? 1 : Math.ceil(first.meta.total / pageSize);
    const rest = await Promise.all(Array.from({ length: Math.max(0, pages - 1) }, (_, i) => this.page(name, item, auth, filters, i + 2)));
    for (const p of rest) add(p.data);
    if (rest.every((p) => p.meta.total === first.meta.total)) return [...seen.values()];
    for (let page = 1; ; page++) {
      const { data, meta } = await this.page(name, item, auth, filters, page);
      add(data);
      if (data.length < pageSize || page * pageSize >= meta.total) return [...seen.values()];
    }
  }

  private async page<T>(name: RouteName, item: z.ZodType<T>, auth: Auth, filters: ListFilters, page: number): Promise<Page<T>> {
    const result = (await this.get(listPath(name, page, filters), pageSchema(item), auth)) as Page<T>;
    const route = `GET ${routePath(name)}`;
    this.stats.lists[route] = (this.stats.lists[route] ?? 0) + 1;
    return result;
  }

  private async send<T>(method: 'GET' | 'POST', path: string, schema: z.ZodType<T>, auth: Auth, body: unknown, lost: LostAnswer<T>): Promise<Sent<T>> {
    const route = `${method} ${path.split('?')[0]}`;
    let failures = 0;
    let rateLimited = 0;
    let reauthenticated = false;
    for (;;) {
      let exchange: Exchange;
      let sentAtMs = 0;
      let tokenObtainedAtMs = 0;
      try {
        exchange = await this.limit(async () => {
          const headers: Record<string, string> = { accept: JSON_CONTENT_TYPE };
          // Taken inside the slot, right before sending: a token fetched before queueing can expire in the queue.
          if (auth === 'token') {
            headers['authorization'] = bearer(await this.accessToken());
            tokenObtainedAtMs = this.token?.obtainedAtMs ?? 0;
          }
          sentAtMs = this.now();
          if (auth === 'operator') headers['authorization'] = bearer(this.requireOperatorKey(route));
          if (method === 'POST') headers['content-type'] = JSON_CONTENT_TYPE;
          if (method === 'POST') this.stats.writes++;
          return this.once(method, path, headers, body === undefined ? undefined : JSON.stringify(body));
        });
      } catch (err) {
        if (err instanceof InterHubError || !isNetworkError(err)) throw err;
        failures++;
        const why = describeNetworkError(err);
        const recovered = await this.afterLostAnswer(route, why, failures, lost);
        if (recovered) return recovered;
        continue;
      }

      const { status } = exchange;
      if (status >= 200 && status < 300) return { value: this.parse(schema, exchange, route), status, recovered: false };
      if (status === 401 && auth === 'token' && !reauthenticated) {
        // Expired or revoked mid-run: exchange the key again, once for this request.
        reauthenticated = true;
        this.invalidate(sentAtMs, tokenObtainedAtMs);
        this.note(`${route}: 401, exchanging the key for a fresh token`);
        continue;
      }
      if (status === 429) {
        rateLimited++;
        const waitMs = retryAfterMs(exchange.headers['retry-after'], this.now());
        if (rateLimited > this.retry.rateLimitWaits || waitMs > this.retry.maxRetryAfterMs) {
          throw this.error('rate-limited', route, `${route}: still rate limited after ${rateLimited} answer(s) of 429 (Retry-After ${Math.round(waitMs / 1000)} s)`, status);
        }
        this.stats.retries++;
        this.note(`${route}: 429, waiting ${waitMs} ms as Retry-After asks`);
        await this.sleep(waitMs);
        continue;
      }
      if (status >= 500) {
        failures++;
        const recovered = await this.afterLostAnswer(route, `HTTP ${status}`, failures, lost);
        if (recovered) return recovered;
        continue;
      }
      throw this.httpError(route, exchange);
    }
  }

  /**
   * After a network error or 5xx the server may or may not have acted. GETs
   * and safe POSTs are repeated; a create looks for its result first and is
   * sent again only when it is not there.
   */
  private async afterLostAnswer<T>(route: string, why: string, failures: number, lost: LostAnswer<T>): Promise<Sent<T> | undefined> {
    if (lost.kind === 'fail') {
      throw this.error('answer-lost', route, `${route}: the answer was lost (${why}); ${lost.why}`);
    }
    if (failures >= this.retry.attempts) {
      throw this.error('network', route, `${route}: gave up after ${failures} attempt(s); last: ${why}`);
    }
    if (lost.kind === 'lookup') {
      const found = await lost.find();
      if (found !== undefined) {
        this.stats.recovered++;
        this.note(`${route}: answer lost (${why}); found the result, not sending again`);
        return { value: found, status: 200, recovered: true };
      }
    }
    const delay = this.backoff(failures);
    this.stats.retries++;
    this.note(`${route}: ${why}; retrying in ${delay} ms (attempt ${failures + 1}/${this.retry.attempts})`);
    await this.sleep(delay);
    return undefined;
  }

  private async once(method: string, path: string, headers: Record<string, string>, body: string | undefined): Promise<Exchange> {
    this.stats.requests++;
    const response = await request(`${this.base}${path}`, { dispatcher: this.agent as Dispatcher, method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.body.text();
    return { status: response.statusCode, headers: response.headers, text, body: parseJsonOrUndefined(text) };
  }

  private parse<T>(schema: z.ZodType<T>, exchange: Exchange, route: string): T {
    try {
      if (exchange.body === undefined && exchange.text.length > 0) throw new WireShapeError(route, '', 'is not JSON');
      return parseWire(schema, exchange.body, route);
    } catch (err) {
      if (err instanceof WireShapeError) throw this.error('unexpected-response', route, err.message, exchange.status);
      throw err;
    }
  }

  private httpError(route: string, exchange: Exchange): InterHubError {
    const { status } = exchange;
    const serverSays = errorBodySchema.safeParse(exchange.body);
    const detail = serverSays.success ? ` (${serverSays.data.error})` : '';
    if (status === 422) {
      const v = validationErrorSchema.safeParse(exchange.body);
      const fields = v.success ? v.data.errors : {};
      const list = Object.entries(fields).map(([f, m]) => `${f}: ${m}`).join('; ');
      return this.error('validation', route, `${route}: rejected (422)${list ? ` — ${list}` : ''}`, status, fields);
    }
    if (status === 401) return this.error('auth', route, `${route}: not authenticated (401)${detail}`, status);
    if (status === 403) return this.error('forbidden', route, `${route}: forbidden (403)${detail} — the key lacks a scope`, status);
    if (status === 404) return this.error('not-found', route, `${route}: not found (404)`, status);
    return this.error('http', route, `${route}: HTTP ${status}${detail}`, status);
  }

  private error(code: InterHubErrorCode, route: string, message: string, status?: number, fields?: Record<string, string>): InterHubError {
    const scrubbedFields = fields ? Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, this.scrub(v)])) : undefined;
    return new InterHubError(code, route, this.scrub(message), status, scrubbedFields);
  }

  // ── Tokens (RFC 6749 §4.4) ───────────────────────────────────────────────

  /** Exchanges the key for a token now; rejects with an `auth` error when Inter-Hub refuses it. */
  async authenticate(): Promise<void> {
    await this.accessToken();
  }

  /** The current access token; concurrent callers share one exchange. */
  private async accessToken(): Promise<string> {
    if (this.token && this.now() < this.token.refreshAtMs) return this.token.value;
    this.exchanging ??= this.exchangeToken().finally(() => {
      this.exchanging = undefined;
    });
    return this.exchanging;
  }

  /**
   * Drops the current token unless it was obtained after the refused request
   * was sent (someone renewed it already), and remembers how long the refused
   * token really lived: later tokens are renewed before that age.
   */
  private invalidate(sentAtMs: number, refusedObtainedAtMs: number): void {
    const lived = sentAtMs - refusedObtainedAtMs;
    if (lived > 0) this.observedLifetimeMs = Math.min(this.observedLifetimeMs ?? lived, lived);
    if (this.token && this.token.obtainedAtMs <= sentAtMs) this.token = undefined;
  }

  private async exchangeToken(): Promise<string> {
    const credentials = this.options.credentials;
    const route = `POST ${routePath('token')}`;
    if (!credentials) throw this.error('auth', route, `${route}: no client credentials configured (IHUB_CLIENT_ID, OPS_HUB_KEY)`);
    let failures = 0;
    for (;;) {
      this.stats.tokenExchanges++;
      let exchange: Exchange;
      try {
        // Outside the concurrency limit: the requests waiting for this token hold its slots.
        exchange = await this.once('POST', routePath('token'), { accept: JSON_CONTENT_TYPE, 'content-type': FORM_CONTENT_TYPE }, tokenRequestBody(credentials.clientId, credentials.clientSecret));
      } catch (err) {
        if (!isNetworkError(err)) throw err;
        // A token exchange is safe to repeat: an unused token harms nobody.
        if (++failures >= this.retry.attempts) throw this.error('network', route, `${route}: gave up after ${failures} attempt(s); last: ${describeNetworkError(err)}`);
        await this.sleep(this.backoff(failures));
        continue;
      }
      if (exchange.status === 200 || exchange.status === 201) {
        const token = this.parse(tokenResponseSchema, exchange, route);
        this.secrets.add(token.access_token);
        const promisedMs = token.expires_in * 1000;
        const lifetimeMs = this.observedLifetimeMs === undefined ? promisedMs : Math.min(promisedMs, this.observedLifetimeMs);
        // Refresh a little early so a token rarely expires in flight.
        const obtainedAtMs = this.now();
        this.token = { value: token.access_token, obtainedAtMs, refreshAtMs: obtainedAtMs + lifetimeMs - Math.min(5_000, lifetimeMs / 10) };
        return token.access_token;
      }
      if (exchange.status === 429) {
        const waitMs = retryAfterMs(exchange.headers['retry-after'], this.now());
        if (++failures >= this.retry.attempts + this.retry.rateLimitWaits || waitMs > this.retry.maxRetryAfterMs) {
          throw this.error('rate-limited', route, `${route}: still rate limited`, 429);
        }
        this.note(`${route}: 429, waiting ${waitMs} ms as Retry-After asks`);
        await this.sleep(waitMs);
        continue;
      }
      if (exchange.status >= 500) {
        if (++failures >= this.retry.attempts) throw this.error('http', route, `${route}: HTTP ${exchange.status} after ${failures} attempt(s)`, exchange.status);
        await this.sleep(this.backoff(failures));
        continue;
      }
      const says = errorBodySchema.safeParse(exchange.body);
      throw this.error(
        'auth',
        route,
        `${route}: the key exchange was refused (${exchange.status}${says.success ? ` ${says.data.error}` : ''}) — check IHUB_CLIENT_ID and OPS_HUB_KEY`,
        exchange.status,
      );
    }
  }

  private requireOperatorKey(route: string): string {
    if (!this.options.operatorKey) throw this.error('auth', route, `${route}: needs the operator key (IHUB_OPERATOR_KEY)`);
    return this.options.operatorKey;
  }

  // ── Timing ───────────────────────────────────────────────────────────────

  /** Exponential backoff with full jitter, capped. */
  private backoff(failures: number): number {
    const ceiling = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (failures - 1));
    return Math.round((this.options.random ?? Math.random)() * ceiling);
  }

  private sleep(ms: number): Promise<void> {
    return (this.options.sleep ?? ((t) => new Promise((resolve) => setTimeout(resolve, t))))(ms);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private note(line: string): void {
    this.options.log?.(this.scrub(line));
  }
}

/** Retry-After as delay-seconds or an HTTP date; absent or unreadable means one second. */
export function retryAfterMs(header: string | string[] | undefined, nowMs: number): number {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return 1_000;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? 1_000 : Math.max(0, at - nowMs);
}


/** Undici and socket errors carry a string code; anything else is a bug, not the network. */
function isNetworkError(err: unknown): boolean {
  return typeof (err as { code?: unknown })?.code === 'string';
}

/** A network failure in words, from its code only: undici messages can carry URLs. */
function describeNetworkError(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  const name = (err as { name?: unknown })?.name;
  return typeof code === 'string' ? code : typeof name === 'string' ? name : 'network error';
}
