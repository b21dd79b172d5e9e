import type { InterHubClient } from '../interhub/client.ts';
import { InterHubError } from '../interhub/client.ts';
import {
  eventSchema,
  hubSchema,
  registryEntrySchema,
  routePath,
  widgetFilters,
  widgetSchema,
  type Hub,
  type InteractionEvent,
  type RegistryName,
  type Widget,
} from '../interhub/wire.ts';

/** What Inter-Hub holds that the plan compares against. */
export interface RemoteState {
  hub: Hub;
  widgets: Widget[];
  /** Events on this hub's widgets. */
  events: InteractionEvent[];
  registries: Registries;
}

export interface Registries {
  widgetTypes: ReadonlySet<string>;
  eventTypes: ReadonlySet<string>;
  annotationCategories: ReadonlySet<string>;
  /** Undefined while the policy-scope registry is not served (it ships with the bootstrap API). */
  policyScopes?: ReadonlySet<string>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The hub by id, or by slug through the public hub registry. */
export async function resolveHub(client: InterHubClient, idOrSlug: string): Promise<Hub> {
  if (UUID.test(idOrSlug)) return client.get(routePath('hubRegistryEntry', idOrSlug), hubSchema, 'none');
  const hubs = await client.listAll('hubRegistry', hubSchema, 'none');
  const hub = hubs.find((h) => h.slug === idOrSlug);
  if (!hub) {
    throw new InterHubError(
      'not-found',
      `GET ${routePath('hubRegistry')}`,
      `no hub with slug "${idOrSlug}" in Inter-Hub's hub registry — bootstrap it first (npm run sync -- --bootstrap, or the attended path of inventory/runbooks/ops-hub-bootstrap.md)`,
    );
  }
  return hub;
}

async function registry(client: InterHubClient, name: RegistryName): Promise<Set<string>> {
  return new Set((await client.listNamed(name, registryEntrySchema, 'none')).map((e) => e.name));
}

async function optionalRegistry(client: InterHubClient, name: RegistryName): Promise<Set<string> | undefined> {
  try {
    return await registry(client, name);
  } catch (err) {
    if (err instanceof InterHubError && err.code === 'not-found') return undefined;
    throw err;
  }
}

export async function readRegistries(client: InterHubClient): Promise<Registries> {
  const [widgetTypes, eventTypes, annotationCategories, policyScopes] = await Promise.all([
    registry(client, 'widgetTypes'),
    registry(client, 'eventTypes'),
    registry(client, 'annotationCategories'),
    optionalRegistry(client, 'policyScopes'),
  ]);
  return { widgetTypes, eventTypes, annotationCategories, ...(policyScopes ? { policyScopes } : {}) };
}

/** One walk of the hub's widgets and one of the events: requests grow with pages, not records. */
export async function readRemoteState(client: InterHubClient, idOrSlug: string): Promise<RemoteState> {
  const hub = await resolveHub(client, idOrSlug);
  const [registries, widgets, allEvents] = await Promise.all([
    readRegistries(client),
    client.listAll('widgets', widgetSchema, 'token', widgetFilters(hub.id)),
    client.listAll('interactionEvents', eventSchema, 'token'),
  ]);
  const ours = widgets.filter((w) => w.hubId === hub.id);
  const ids = new Set(ours.map((w) => w.id));
  return { hub, widgets: ours, events: allEvents.filter((e) => ids.has(e.widgetId)), registries };
}
