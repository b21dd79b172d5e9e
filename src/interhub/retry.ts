import { setTimeout as wait } from 'node:timers/promises';
import { CancelledError, HttpError, InterHubError, NetworkError, RateLimitedError } from './errors.ts';

/**
 * The one retry policy of the Inter-Hub client, for requests and the token
 * exchange alike: network errors and 5xx are retried with exponential backoff
 * and full jitter, a bounded number of times; 429 waits what `Retry-After`
 * asks, a bounded number of times and never longer than a bound; every wait
 * ends at once when the run stops.
 */

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

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 200, maxDelayMs: 5_000, rateLimitWaits: 8, maxRetryAfterMs: 60_000 };

/** What one attempt came to. */
export type Attempt<T> =
  | { done: T }
  /** Network error or 5xx: the server may or may not have acted. */
  | { failed: string; status?: number }
  /** 429: wait this long, then send again. */
  | { throttled: number }
  /** Send again at once (with a fresh token). */
  | { again: true };

export interface RetryContext<T> {
  /** "METHOD /path", for messages. */
  route: string;
  policy: RetryPolicy;
  signal: AbortSignal | undefined;
  /** One line per retry, for the run's log. */
  note: (line: string) => void;
  onRetry: () => void;
  /**
   * Before a failed attempt is sent again: settles the request another way
   * (a lost create found by looking it up), or throws to forbid a repeat.
   */
  recover?: (why: string) => Promise<T | undefined>;
}

/** How the policy reads an answer's status: a retry after Retry-After, a retry with backoff, or final. */
export function retryableStatus(status: number, retryAfter: string | string[] | undefined): Attempt<never> | undefined {
  if (status === 429) return { throttled: retryAfterMs(retryAfter, Date.now()) };
  if (status >= 500) return { failed: `HTTP ${status}`, status };
  return undefined;
}

export async function retrying<T>(ctx: RetryContext<T>, attempt: () => Promise<Attempt<T>>): Promise<T> {
  const { route, policy } = ctx;
  let failures = 0;
  let rateLimited = 0;
  for (;;) {
    throwIfStopped(ctx);
    let outcome: Attempt<T>;
    try {
      outcome = await attempt();
    } catch (err) {
      throwIfStopped(ctx);
      if (err instanceof InterHubError || !isNetworkError(err)) throw err;
      outcome = { failed: describeNetworkError(err) };
    }
    if ('done' in outcome) return outcome.done;
    if ('again' in outcome) continue;
    if ('throttled' in outcome) {
      const waitMs = outcome.throttled;
      rateLimited++;
      if (rateLimited > policy.rateLimitWaits || waitMs > policy.maxRetryAfterMs) {
        throw new RateLimitedError(route, `${route}: still rate limited after ${rateLimited} answer(s) of 429 (Retry-After ${Math.round(waitMs / 1000)} s)`, waitMs);
      }
      ctx.onRetry();
      ctx.note(`${route}: 429, waiting ${waitMs} ms as Retry-After asks`);
      await pause(waitMs, ctx);
      continue;
    }
    failures++;
    const recovered = await ctx.recover?.(outcome.failed);
    if (recovered !== undefined) return recovered;
    if (failures >= policy.attempts) {
      const message = `${route}: gave up after ${failures} attempt(s); last: ${outcome.failed}`;
      throw outcome.status === undefined ? new NetworkError(route, message) : new HttpError(route, message, outcome.status);
    }
    const delay = backoff(policy, failures);
    ctx.onRetry();
    ctx.note(`${route}: ${outcome.failed}; retrying in ${delay} ms (attempt ${failures + 1}/${policy.attempts})`);
    await pause(delay, ctx);
  }
}

/** Exponential backoff with full jitter, capped. */
function backoff(policy: RetryPolicy, failures: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failures - 1));
  return Math.round(Math.random() * ceiling);
}

/** Retry-After as delay-seconds or an HTTP date; absent or unreadable means one second. */
function retryAfterMs(header: string | string[] | undefined, nowMs: number): number {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return 1_000;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? 1_000 : Math.max(0, at - nowMs);
}

async function pause(ms: number, ctx: RetryContext<unknown>): Promise<void> {
  try {
    await wait(ms, undefined, ctx.signal ? { signal: ctx.signal } : {});
  } catch (err) {
    throwIfStopped(ctx);
    throw err;
  }
}

/** Once the run stops, nothing more is sent: every loop and wait ends here. */
export function throwIfStopped(ctx: { route: string; signal: AbortSignal | undefined }): void {
  if (ctx.signal?.aborted) throw new CancelledError(ctx.route, `${ctx.route}: cancelled, the run stopped`);
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
