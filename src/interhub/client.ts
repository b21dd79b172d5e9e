import pLimit, { type LimitFunction } from 'p-limit';
import { request, type Agent, type Dispatcher } from 'undici';
import type { z } from 'zod';
import type { InterHubRequestStats } from '../output/sync-report.ts';
import { httpAgent } from '../util/http-agent.ts';
import { parseJsonOrUndefined } from '../util/json.ts';
import { AnswerLostError, AuthError, errorForStatus, UnexpectedResponseError } from './errors.ts';
import { DEFAULT_RETRY, retryableStatus, retrying, throwIfStopped, type RetryContext, type RetryPolicy } from './retry.ts';
import { Secrets } from './secrets.ts';
import { TokenCache, type HeldToken } from './token.ts';
import { errorBodySchema } from './wire/error-bodies.ts';
import { listPath, PAGE_SIZE, pageSchema, type ListFilters, type Page } from './wire/lists.ts';
import { parseWire } from './wire/parse.ts';
import { JSON_CONTENT_TYPE, routeLabel, routePath, type RouteName } from './wire/routes.ts';
import { bearer, FORM_CONTENT_TYPE, tokenRequestBody, tokenResponseSchema, type TokenResponse } from './wire/token.ts';

/**
 * The one HTTP client to Inter-Hub — transport and paging: undici with
 * keep-alive and one timeout, bounded concurrency, the token on every
 * request once it has credentials, the retry policy of retry.ts. Secrets are
 * scrubbed from every message it produces; Authorization headers are never
 * logged. Aborting `signal` stops it: nothing more is sent or logged.
 */

/**
 * Who a request is sent as. `public`: routes the contract lists as readable
 * without a token; a client with credentials still sends its token, because
 * deployments differ in what they keep public.
 */
export type Auth = 'public' | 'token' | 'operator';

export interface Credentials {
  clientId: string;
  clientSecret: string;
}

export interface ClientOptions {
  base: string;
  credentials?: Credentials;
  operatorKey?: string;
  concurrency?: number;
  /** Connect, headers and body, each (util/http-agent.ts). */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Retries and recoveries, one line each, already scrubbed. */
  log?: (line: string) => void;
  /** The run's stop: once aborted, waits end, requests in flight are cut off, and nothing more is sent or logged. */
  signal?: AbortSignal;
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

interface Exchange {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  text: string;
}

export class InterHubClient {
  readonly base: string;
  readonly stats: InterHubRequestStats = { requests: 0, tokenExchanges: 0, lists: {}, writes: 0, retries: 0, recovered: 0 };

  private readonly agent: Agent;
  private readonly limit: LimitFunction;
  private readonly retry: RetryPolicy;
  private readonly secrets = new Secrets();
  private readonly tokens: TokenCache | undefined;
  private readonly options: ClientOptions;

  constructor(options: ClientOptions) {
    this.options = options;
    // Only the origin: a base with a path, query or credentials would leak into messages.
    this.base = new URL(options.base).origin;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    const concurrency = options.concurrency ?? 8;
    this.limit = pLimit(concurrency);
    this.agent = httpAgent({ connections: concurrency, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) });
    const credentials = options.credentials;
    this.tokens = credentials ? new TokenCache(() => this.exchangeKey(credentials)) : undefined;
    this.secrets.add(credentials?.clientSecret);
    this.secrets.add(options.operatorKey);
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  /** Removes every secret this client knows from a text. */
  scrub(text: string): string {
    return this.secrets.scrub(text);
  }

  /** Exchanges the key for a token now; rejects with an `auth` error when Inter-Hub refuses it. */
  async authenticate(): Promise<void> {
    await this.requireTokens(routeLabel('POST', routePath('token'))).current();
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
    const route = routeLabel('GET', routePath(name));
    this.stats.lists[route] = (this.stats.lists[route] ?? 0) + 1;
    return result;
  }

  private async send<T>(method: 'GET' | 'POST', path: string, schema: z.ZodType<T>, auth: Auth, body: unknown, lost: LostAnswer<T>): Promise<Sent<T>> {
    const route = routeLabel(method, path);
    const sendOnce = async (): Promise<{ exchange: Exchange; token: HeldToken | undefined; sentAtMs: number }> => {
      throwIfStopped({ route, signal: this.options.signal });
      const headers: Record<string, string> = { accept: JSON_CONTENT_TYPE };
      let token: HeldToken | undefined;
      // Taken inside the slot, right before sending: a token fetched before queueing can expire in the queue.
      if (auth === 'operator') headers['authorization'] = bearer(this.requireOperatorKey(route));
      else {
        token = auth === 'token' ? await this.requireTokens(route).current() : await this.tokens?.current();
        if (token) headers['authorization'] = bearer(token.value);
      }
      const sentAtMs = Date.now();
      if (method === 'POST') {
        headers['content-type'] = JSON_CONTENT_TYPE;
        this.stats.writes++;
      }
      return { exchange: await this.once(method, path, headers, body === undefined ? undefined : JSON.stringify(body)), token, sentAtMs };
    };
    return retrying(this.retryContext<Sent<T>>(route, (why) => this.afterLostAnswer(route, why, lost)), async () => {
      const exchange = await this.limit(async () => {
        const first = await sendOnce();
        if (first.exchange.status !== 401 || !first.token) return first.exchange;
        // Expired or revoked mid-run: exchange the key again and resend at once, in the same slot.
        // Queued behind every other request, the fresh token could expire again before its turn.
        this.tokens!.invalidate(first.sentAtMs, first.token.obtainedAtMs);
        this.note(`${route}: 401, exchanging the key for a fresh token`);
        return (await sendOnce()).exchange;
      });
      const { status } = exchange;
      if (status >= 200 && status < 300) return { done: { value: this.parse(schema, exchange, route), status, recovered: false } };
      const retry = retryableStatus(status, exchange.headers['retry-after']);
      if (retry) return retry;
      throw errorForStatus(route, status, exchange.body, (text) => this.scrub(text));
    });
  }

  /**
   * After a network error or 5xx the server may or may not have acted. GETs
   * and safe POSTs are repeated; a create looks for its result first and is
   * sent again only when it is not there.
   */
  private async afterLostAnswer<T>(route: string, why: string, lost: LostAnswer<T>): Promise<Sent<T> | undefined> {
    if (lost.kind === 'fail') throw new AnswerLostError(route, this.scrub(`${route}: the answer was lost (${why}); ${lost.why}`));
    if (lost.kind === 'repeat') return undefined;
    const found = await lost.find();
    if (found === undefined) return undefined;
    this.stats.recovered++;
    this.note(`${route}: answer lost (${why}); found the result, not sending again`);
    return { value: found, status: 200, recovered: true };
  }

  /** RFC 6749 §4.4, under the same retry policy as every request. */
  private async exchangeKey(credentials: Credentials): Promise<TokenResponse> {
    const path = routePath('token');
    const route = routeLabel('POST', path);
    return retrying(this.retryContext<TokenResponse>(route), async () => {
      this.stats.tokenExchanges++;
      // Outside the concurrency limit: the requests waiting for this token hold its slots.
      const headers = { accept: JSON_CONTENT_TYPE, 'content-type': FORM_CONTENT_TYPE };
      const exchange = await this.once('POST', path, headers, tokenRequestBody(credentials.clientId, credentials.clientSecret));
      if (exchange.status === 200 || exchange.status === 201) {
        const token = this.parse(tokenResponseSchema, exchange, route);
        this.secrets.add(token.access_token);
        return { done: token };
      }
      const retry = retryableStatus(exchange.status, exchange.headers['retry-after']);
      if (retry) return retry;
      const says = errorBodySchema.safeParse(exchange.body);
      const detail = `${exchange.status}${says.success ? ` ${says.data.error}` : ''}`;
      throw new AuthError(route, this.scrub(`${route}: the key exchange was refused (${detail}) — check IHUB_CLIENT_ID and OPS_HUB_KEY`), exchange.status);
    });
  }

  private retryContext<T>(route: string, recover?: (why: string) => Promise<T | undefined>): RetryContext<T> {
    return {
      route,
      policy: this.retry,
      signal: this.options.signal,
      note: (line) => this.note(line),
      onRetry: () => this.stats.retries++,
      ...(recover ? { recover } : {}),
    };
  }

  private async once(method: string, path: string, headers: Record<string, string>, body: string | undefined): Promise<Exchange> {
    this.stats.requests++;
    const response = await request(`${this.base}${path}`, {
      dispatcher: this.agent as Dispatcher,
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
      ...(this.options.signal ? { signal: this.options.signal } : {}),
    });
    const text = await response.body.text();
    return { status: response.statusCode, headers: response.headers, text, body: parseJsonOrUndefined(text) };
  }

  private parse<T>(schema: z.ZodType<T>, exchange: Exchange, route: string): T {
    if (exchange.body === undefined && exchange.text.length > 0) throw new UnexpectedResponseError(route, '', 'is not JSON', exchange.status);
    const parsed = parseWire(schema, exchange.body);
    if (!parsed.ok) throw new UnexpectedResponseError(route, parsed.field, `— ${parsed.detail}`, exchange.status);
    return parsed.value;
  }

  private requireTokens(route: string): TokenCache {
    if (!this.tokens) throw new AuthError(route, `${route}: no client credentials configured (IHUB_CLIENT_ID, OPS_HUB_KEY)`);
    return this.tokens;
  }

  private requireOperatorKey(route: string): string {
    if (!this.options.operatorKey) throw new AuthError(route, `${route}: needs the operator key (IHUB_OPERATOR_KEY)`);
    return this.options.operatorKey;
  }

  /** Nothing is logged once the run has stopped: the stop line is the last word. */
  private note(line: string): void {
    if (this.options.signal?.aborted) return;
    this.options.log?.(this.scrub(line));
  }
}
