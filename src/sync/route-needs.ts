import { isUnavailable } from '../interhub/errors.ts';
import { RUNTIME_SCOPE } from '../interhub/wire/token.ts';

/**
 * Deployments of Inter-Hub differ: a route may need a token elsewhere
 * public, or not exist at all. A read the run can do without that is not
 * available here (401, 403, 404, 405, 501) becomes one line of the plan; a
 * read it needs stops the run with the route, the status and what to check.
 */

/** A read the run went on without. */
export interface Unavailable {
  /** "METHOD /path". */
  route: string;
  status: number;
  /** What the run does without it. */
  without: string;
}

export function unavailableNote(u: Unavailable): string {
  return `${u.route} is not available here (${u.status}): ${u.without}`;
}

/** A route the run needs answered that it is not available here; the run stopped before any write. */
export class NeededRouteError extends Error {
  readonly code = 'route-needed';
  readonly route: string;
  readonly status: number;

  constructor(route: string, status: number) {
    super(`${route} answered ${status}: the sync cannot go on without this route — ${whatToCheck(status)}`);
    this.name = 'NeededRouteError';
    this.route = route;
    this.status = status;
  }
}

function whatToCheck(status: number): string {
  if (status === 401) return 'the token was refused here: check that IHUB_CLIENT_ID is the API consumer of the hub\'s active manifest and OPS_HUB_KEY its current key';
  if (status === 403) return `the token lacks a scope here: check that the key was issued for "${RUNTIME_SCOPE}"`;
  return 'this deployment does not serve it: check that IHUB_BASE is Inter-Hub\'s origin and that its OpenAPI (GET /api/v2/openapi.json) lists the route';
}

export async function needed<T>(route: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (isUnavailable(err) && err.route === route) throw new NeededRouteError(route, err.status!);
    throw err;
  }
}

/** The read's result, or undefined with a line in `unavailable` when this deployment does not offer it. */
export async function optional<T>(route: string, without: string, unavailable: Unavailable[], read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if (!isUnavailable(err) || err.route !== route) throw err;
    unavailable.push({ route, status: err.status!, without });
    return undefined;
  }
}
