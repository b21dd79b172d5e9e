import type { Method } from '../wire/operations.ts';
import { BOOTSTRAP_ROUTES, PUBLIC_ROUTES, type RouteName } from '../wire/routes.ts';

/**
 * How this deployment differs from the contract as ops-hub assumes it.
 * Inter-Hub deployments do differ: a route of the public list may need a
 * token, a route or one of its methods may not exist at all on an older
 * deployment, a request field may have another name, and answers may carry
 * fields ops-hub has never heard of. Its OpenAPI document says all of it,
 * as a real deployment's would. The bootstrap gate (open or closed) is the
 * dev server's `gateOpen`.
 */
export interface DevDeployment {
  /** Routes of the public list that answer 401 here without a bearer token. */
  tokenRoutes: RouteName[];
  /** Routes this deployment does not serve at all: 404, and absent from its OpenAPI. */
  absentRoutes: RouteName[];
  /** One method of a route it does not serve: 405, and absent from its OpenAPI. */
  absentOperations: Array<{ method: Method; route: RouteName }>;
  /** A request field this deployment knows by another name, in its OpenAPI and in what it accepts. */
  renamedFields: RenamedField[];
  /** Every object in a successful answer carries fields ops-hub does not know. */
  extraFields: boolean;
}

export interface RenamedField {
  method: Method;
  route: RouteName;
  /** The name in the contract as ops-hub assumes it. */
  from: string;
  /** The name here. */
  to: string;
}

export const AS_ASSUMED: DevDeployment = { tokenRoutes: [], absentRoutes: [], absentOperations: [], renamedFields: [], extraFields: false };

export function served(route: RouteName, gateOpen: boolean, deployment: DevDeployment): boolean {
  return !deployment.absentRoutes.includes(route) && (gateOpen || !BOOTSTRAP_ROUTES.includes(route));
}

export function servesOperation(method: Method, route: RouteName, deployment: DevDeployment): boolean {
  return !deployment.absentOperations.some((o) => o.method === method && o.route === route);
}

export function renamesOf(method: Method, route: RouteName, deployment: DevDeployment): RenamedField[] {
  return deployment.renamedFields.filter((r) => r.method === method && r.route === route);
}

/** Readable without a token here: the token exchange, and the public list less what this deployment protects. */
export function isPublic(route: RouteName, deployment: DevDeployment): boolean {
  return route === 'token' || (PUBLIC_ROUTES.includes(route) && !deployment.tokenRoutes.includes(route));
}

/** What a newer deployment might add: a scalar and an object in every object of the answer. */
export function withExtraFields(body: unknown): unknown {
  if (Array.isArray(body)) return body.map(withExtraFields);
  if (body === null || typeof body !== 'object') return body;
  const fields = Object.fromEntries(Object.entries(body).map(([k, v]) => [k, withExtraFields(v)]));
  return { ...fields, revision: 7, extensions: { addedBy: 'a newer Inter-Hub' } };
}
