import type { InterHubClient } from '../interhub/client.ts';
import { NotFoundError } from '../interhub/errors.ts';
import { annotationSchema, type Annotation } from '../interhub/wire/annotations.ts';
import { eventSchema, type InteractionEvent } from '../interhub/wire/events.ts';
import { hubSchema, type Hub } from '../interhub/wire/hubs.ts';
import { registryEntrySchema, type RegistryName } from '../interhub/wire/registries.ts';
import { routeLabel, routePath, type RouteName } from '../interhub/wire/routes.ts';
import { widgetFilters, widgetSchema, type Widget } from '../interhub/wire/widgets.ts';
import { allOrStop } from './all-or-stop.ts';
import { needed, optional, type Unavailable } from './route-needs.ts';

/** What Inter-Hub holds that the plan compares against. */
export interface RemoteState {
  hub: Hub;
  widgets: Widget[];
  /** Events on this hub's widgets. */
  events: InteractionEvent[];
  /** Annotations on this hub's widgets; undefined where this deployment does not list them (then none is posted). */
  annotations?: Annotation[];
  registries: Registries;
  /** Reads the run can do without that this deployment does not offer. */
  unavailable: Unavailable[];
}

export interface Registries {
  widgetTypes: ReadonlySet<string>;
  eventTypes: ReadonlySet<string>;
  /** Undefined where the registry is not available: categories are not checked. */
  annotationCategories?: ReadonlySet<string>;
  /** Undefined where the registry is not available (it ships with the bootstrap API): scopes are left to the server. */
  policyScopes?: ReadonlySet<string>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const get = (name: RouteName, id?: string) => routeLabel('GET', routePath(name, id));

const bootstrapFirst = 'bootstrap it first (npm run sync -- --bootstrap, or the attended path of inventory/runbooks/ops-hub-bootstrap.md)';

/** The hub by id, or by slug through the public hub registry. */
export async function resolveHub(client: InterHubClient, idOrSlug: string): Promise<Hub> {
  if (UUID.test(idOrSlug)) {
    const route = get('hubRegistryEntry', idOrSlug);
    return needed(route, async () => {
      try {
        return await client.get(routePath('hubRegistryEntry', idOrSlug), hubSchema, 'public');
      } catch (err) {
        // Here a 404 most likely means the hub, not the route: say so (without a status, so it is not taken for a missing route).
        if (err instanceof NotFoundError) throw new NotFoundError(route, `${route}: no hub with id ${idOrSlug} in Inter-Hub's hub registry — check IHUB_HUB (or --hub), or ${bootstrapFirst}`);
        throw err;
      }
    });
  }
  const route = get('hubRegistry');
  const hubs = await needed(route, () => client.listAll('hubRegistry', hubSchema, 'public'));
  const hub = hubs.find((h) => h.slug === idOrSlug);
  if (!hub) throw new NotFoundError(route, `no hub with slug "${idOrSlug}" in Inter-Hub's hub registry — ${bootstrapFirst}`);
  return hub;
}

async function registry(client: InterHubClient, name: RegistryName): Promise<Set<string>> {
  return new Set((await client.listNamed(name, registryEntrySchema, 'public')).map((e) => e.name));
}

export async function readRegistries(client: InterHubClient, stop: AbortController, unavailable: Unavailable[]): Promise<Registries> {
  const [widgetTypes, eventTypes, annotationCategories, policyScopes] = await allOrStop(stop, [
    needed(get('widgetTypes'), () => registry(client, 'widgetTypes')),
    needed(get('eventTypes'), () => registry(client, 'eventTypes')),
    optional(get('annotationCategories'), "annotation categories are left to the server's check", unavailable, () => registry(client, 'annotationCategories')),
    optional(get('policyScopes'), "policy scopes are left to the server's check", unavailable, () => registry(client, 'policyScopes')),
  ]);
  return { widgetTypes, eventTypes, ...(annotationCategories ? { annotationCategories } : {}), ...(policyScopes ? { policyScopes } : {}) };
}

/** Without the list, a create whose answer was lost could not be found: so nothing is posted. */
export const ANNOTATIONS_UNAVAILABLE = 'annotations are not posted (a lost create could not be looked up)';

/**
 * One walk of the hub's widgets, one of the events and one of the
 * annotations: requests grow with pages, not records. The first failure stops
 * the run and cancels the rest.
 */
export async function readRemoteState(client: InterHubClient, idOrSlug: string, stop: AbortController): Promise<RemoteState> {
  const hub = await resolveHub(client, idOrSlug);
  const unavailable: Unavailable[] = [];
  const [registries, widgets, allEvents, allAnnotations] = await allOrStop(stop, [
    readRegistries(client, stop, unavailable),
    needed(get('widgets'), () => client.listAll('widgets', widgetSchema, 'token', widgetFilters(hub.id))),
    needed(get('interactionEvents'), () => client.listAll('interactionEvents', eventSchema, 'token')),
    optional(get('annotations'), ANNOTATIONS_UNAVAILABLE, unavailable, () => client.listAll('annotations', annotationSchema, 'token')),
  ]);
  const ours = widgets.filter((w) => w.hubId === hub.id);
  const ids = new Set(ours.map((w) => w.id));
  return {
    hub,
    widgets: ours,
    events: allEvents.filter((e) => ids.has(e.widgetId)),
    ...(allAnnotations ? { annotations: allAnnotations.filter((a) => ids.has(a.widgetId)) } : {}),
    registries,
    unavailable,
  };
}
