/**
 * The `/api/v2` routes ops-hub knows, as templates relative to API_ROOT
 * (`{id}` is a path parameter). The client builds its paths from this table
 * and the dev server serves the same one, so the two cannot disagree on a path.
 */

export const API_ROOT = '/api/v2';

/** Assumed: requests and answers are JSON, except the form-encoded token exchange. */
export const JSON_CONTENT_TYPE = 'application/json';

export const ROUTES = {
  token: '/token',
  openapi: '/openapi.json',
  docs: '/docs',
  widgets: '/widgets',
  widget: '/widgets/{id}',
  interactionEvents: '/interaction-events',
  annotations: '/annotations',
  widgetTypes: '/widget-types',
  eventTypes: '/event-types',
  annotationCategories: '/annotation-categories',
  policyScopes: '/policy-scopes',
  hubRegistry: '/hub-registry',
  hubRegistryEntry: '/hub-registry/{id}',
  hubs: '/hubs',
  manifests: '/hub-capability-manifests',
  manifestActivate: '/hub-capability-manifests/{id}/activate',
  apiConsumers: '/api-consumers',
  apiConsumerKeys: '/api-consumers/{id}/keys',
} as const;

export type RouteName = keyof typeof ROUTES;

/** Fact (OPS-WP-0002 T03): the bootstrap API is live when the OpenAPI lists these. */
export const BOOTSTRAP_PATHS = [ROUTES.hubs, ROUTES.manifests, ROUTES.apiConsumers, ROUTES.policyScopes] as const;

/** Routes that exist only once the bootstrap surface is deployed. */
export const BOOTSTRAP_ROUTES: readonly RouteName[] = ['hubs', 'manifests', 'manifestActivate', 'apiConsumers', 'apiConsumerKeys', 'policyScopes'];

/**
 * Fact (HF-WP-0001): readable without a token. Deployments differ: a route
 * outside this list may need a token, so a client with credentials sends its
 * token to these as well.
 */
export const PUBLIC_ROUTES: readonly RouteName[] = [
  'openapi',
  'docs',
  'widgetTypes',
  'eventTypes',
  'annotationCategories',
  'policyScopes',
  'hubRegistry',
  'hubRegistryEntry',
];

export function routePath(name: RouteName, id?: string): string {
  const template: string = ROUTES[name];
  if (template.includes('{id}') && id === undefined) throw new Error(`route ${name} needs an id`);
  return `${API_ROOT}${template.replace('{id}', encodeURIComponent(id ?? ''))}`;
}

/** "METHOD /path" without the query string: how every message and count names a request. */
export function routeLabel(method: string, path: string): string {
  return `${method} ${path.split('?')[0]}`;
}

/** The route a template path names (`/policy-scopes`, with or without API_ROOT), for flags and OpenAPI documents. */
export function routeOfPath(path: string): RouteName | undefined {
  const relative = path.startsWith(`${API_ROOT}/`) ? path.slice(API_ROOT.length) : path;
  return (Object.keys(ROUTES) as RouteName[]).find((name) => ROUTES[name] === relative);
}
