import { errorBodySchema, validationErrorSchema } from './wire/error-bodies.ts';

/**
 * Every way an exchange with Inter-Hub fails, as one hierarchy: each class
 * has a stable `code` and carries its data (route, status, fields). Messages
 * name the route as "METHOD /path" without the query string and never hold a
 * secret: the client scrubs what the server says before it reaches one.
 */

export type InterHubErrorCode =
  | 'network'
  | 'http'
  | 'auth'
  | 'forbidden'
  | 'not-found'
  | 'not-supported'
  | 'validation'
  | 'rate-limited'
  | 'unexpected-response'
  | 'answer-lost'
  | 'cancelled';

export abstract class InterHubError extends Error {
  abstract readonly code: InterHubErrorCode;
  readonly route: string;
  readonly status: number | undefined;

  constructor(route: string, message: string, status?: number) {
    super(message);
    this.name = new.target.name;
    this.route = route;
    this.status = status;
  }
}

/** No answer after the retries the policy allows (refused, reset, timed out). */
export class NetworkError extends InterHubError {
  readonly code = 'network';
}

/** A status no other class covers, or 5xx after the retries the policy allows. */
export class HttpError extends InterHubError {
  readonly code = 'http';
}

/** 401, or a key exchange that was refused. */
export class AuthError extends InterHubError {
  readonly code = 'auth';
}

export class ForbiddenError extends InterHubError {
  readonly code = 'forbidden';
}

export class NotFoundError extends InterHubError {
  readonly code = 'not-found';
}

/** 405 or 501: this deployment has the path but not this method, or not at all. */
export class NotSupportedError extends InterHubError {
  readonly code = 'not-supported';
}

export class ValidationError extends InterHubError {
  readonly code = 'validation';
  /** Per-field messages of the 422. */
  readonly fields: Record<string, string>;

  constructor(route: string, message: string, fields: Record<string, string>) {
    super(route, message, 422);
    this.fields = fields;
  }
}

export class RateLimitedError extends InterHubError {
  readonly code = 'rate-limited';
  /** What the last Retry-After asked for. */
  readonly retryAfterMs: number;

  constructor(route: string, message: string, retryAfterMs: number) {
    super(route, message, 429);
    this.retryAfterMs = retryAfterMs;
  }
}

/** A body that does not have the shape the wire schema describes. */
export class UnexpectedResponseError extends InterHubError {
  readonly code = 'unexpected-response';
  /** The first field that is wrong, as a dotted path; empty for the body as a whole. */
  readonly field: string;

  constructor(route: string, field: string, detail: string, status?: number) {
    super(route, `unexpected response from ${route}: ${field ? `field "${field}"` : 'the body'} ${detail}`, status);
    this.field = field;
  }
}

/** A write whose answer was lost and that must not be repeated blindly. */
export class AnswerLostError extends InterHubError {
  readonly code = 'answer-lost';
}

/** The run stopped: this request was not sent, or was cut off in flight. */
export class CancelledError extends InterHubError {
  readonly code = 'cancelled';
}

/**
 * The statuses with which a deployment says it does not offer a route to
 * this client: it needs a token or scope we lack (401, 403), or lacks the
 * route or method (404, 405, 501). Deployments differ; a run decides whether
 * it can do without the route.
 */
export const UNAVAILABLE_STATUSES: readonly number[] = [401, 403, 404, 405, 501];

export function isUnavailable(err: unknown): err is InterHubError {
  return err instanceof InterHubError && err.status !== undefined && UNAVAILABLE_STATUSES.includes(err.status);
}

/** The error for a final (not retried) answer; `scrub` removes secrets from what the server said. */
export function errorForStatus(route: string, status: number, body: unknown, scrub: (text: string) => string): InterHubError {
  const serverSays = errorBodySchema.safeParse(body);
  const detail = serverSays.success ? ` (${scrub(serverSays.data.error)})` : '';
  if (status === 422) {
    const v = validationErrorSchema.safeParse(body);
    const fields = v.success ? Object.fromEntries(Object.entries(v.data.errors).map(([f, m]) => [f, scrub(m)])) : {};
    const list = Object.entries(fields).map(([f, m]) => `${f}: ${m}`).join('; ');
    return new ValidationError(route, `${route}: rejected (422)${list ? ` — ${list}` : ''}`, fields);
  }
  if (status === 401) return new AuthError(route, `${route}: not authenticated (401)${detail}`, status);
  if (status === 403) return new ForbiddenError(route, `${route}: forbidden (403)${detail} — the key lacks a scope`, status);
  if (status === 404) return new NotFoundError(route, `${route}: not found (404)`, status);
  if (status === 405 || status === 501) return new NotSupportedError(route, `${route}: not supported here (${status})${detail}`, status);
  return new HttpError(route, `${route}: HTTP ${status}${detail}`, status);
}
