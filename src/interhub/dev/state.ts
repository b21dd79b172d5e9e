import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { writeFileAtomic } from '../../util/atomic-write.ts';
import type { Annotation } from '../wire/annotations.ts';
import type { ApiConsumer, HubManifest, ManifestCreate } from '../wire/bootstrap.ts';
import type { InteractionEvent } from '../wire/events.ts';
import type { Hub, HubCreate } from '../wire/hubs.ts';
import type { RegistryName } from '../wire/registries.ts';
import type { Widget } from '../wire/widgets.ts';

/**
 * What the dev server holds — hubs, manifests, API consumers and key hashes,
 * the registries, widgets, events and annotations — and its persistence: optionally a JSON
 * file, written atomically and coalesced, loaded at start.
 */

const registryEntrySchema = z.object({ name: z.string(), description: z.string().nullable(), hubId: z.string().nullable() });

const stateSchema = z.object({
  hubs: z.array(z.custom<Hub>()),
  manifests: z.array(z.custom<HubManifest>()),
  consumers: z.array(z.custom<ApiConsumer>()),
  keys: z.array(z.object({ id: z.string(), consumerId: z.string(), prefix: z.string(), hash: z.string(), scopes: z.array(z.string()) })),
  registries: z.object({
    widgetTypes: z.array(registryEntrySchema),
    eventTypes: z.array(registryEntrySchema),
    annotationCategories: z.array(registryEntrySchema),
    policyScopes: z.array(registryEntrySchema),
  }),
  widgets: z.array(z.custom<Widget>()),
  events: z.array(z.custom<InteractionEvent>()),
  // State files written before annotations existed hold none.
  annotations: z.array(z.custom<Annotation>()).default([]),
});
export type DevState = z.infer<typeof stateSchema>;
export type StoredKey = DevState['keys'][number];

type DevRegistryEntry = DevState['registries'][RegistryName][number];

/** What the framework itself declares before any hub does. */
function emptyState(): DevState {
  const framework = (name: string, description: string): DevRegistryEntry => ({ name, description, hubId: null });
  return {
    hubs: [],
    manifests: [],
    consumers: [],
    keys: [],
    registries: {
      widgetTypes: [framework('generic', 'Framework generic widget')],
      eventTypes: [framework('clicked', 'Framework interaction'), framework('viewed', 'Framework interaction')],
      annotationCategories: [framework('note', 'Framework note')],
      policyScopes: [framework('internal', 'Framework default scope'), framework('public', 'Readable by anyone')],
    },
    widgets: [],
    events: [],
    annotations: [],
  };
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export class DevStore {
  state: DevState;
  private readonly dataFile: string | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private dirty = false;

  private constructor(state: DevState, dataFile: string | undefined) {
    this.state = state;
    this.dataFile = dataFile;
  }

  static async open(dataFile?: string): Promise<DevStore> {
    return new DevStore(dataFile ? await loadState(dataFile) : emptyState(), dataFile);
  }

  insertHub(input: HubCreate): Hub {
    const hub: Hub = { id: randomUUID(), ...input };
    this.state.hubs.push(hub);
    return hub;
  }

  insertManifest(input: ManifestCreate): HubManifest {
    const manifest: HubManifest = { id: randomUUID(), ...input, status: 'draft' };
    this.state.manifests.push(manifest);
    return manifest;
  }

  /** Keys are kept as hashes with a prefix, as a real hub would. */
  insertKey(consumerId: string, scopes: string[], key: string): StoredKey {
    const stored = { id: randomUUID(), consumerId, prefix: key.slice(0, 8), hash: sha256(key), scopes };
    this.state.keys.push(stored);
    return stored;
  }

  registered(registry: RegistryName, name: string): boolean {
    return this.state.registries[registry].some((e) => e.name === name);
  }

  /** Activates a manifest and registers its vocabulary; a name another hub owns is a conflict. */
  activate(manifest: HubManifest): Record<string, string> | undefined {
    const declared: Array<[RegistryName, string[]]> = [
      ['widgetTypes', manifest.declaredWidgetTypes],
      ['eventTypes', manifest.declaredEventTypes],
      ['annotationCategories', manifest.declaredAnnotationCategories],
      ['policyScopes', manifest.declaredPolicyScopes],
    ];
    const conflicts: Record<string, string> = {};
    for (const [registry, names] of declared) {
      for (const name of names) {
        const owner = this.state.registries[registry].find((e) => e.name === name)?.hubId;
        if (owner && owner !== manifest.hubId) conflicts[registry] = `"${name}" is declared by another hub`;
      }
    }
    if (Object.keys(conflicts).length > 0) return conflicts;
    for (const other of this.state.manifests) if (other.hubId === manifest.hubId && other.status === 'active') other.status = 'inactive';
    manifest.status = 'active';
    const hub = this.state.hubs.find((h) => h.id === manifest.hubId);
    for (const [registry, names] of declared) {
      for (const name of names) {
        if (!this.registered(registry, name)) {
          this.state.registries[registry].push({ name, description: `declared by ${hub?.slug ?? manifest.hubId} ${manifest.version}`, hubId: manifest.hubId });
        }
      }
    }
    return undefined;
  }

  /** Persists after a change; writes are coalesced and atomic, one at a time. */
  changed(): void {
    if (!this.dataFile) return;
    this.dirty = true;
    this.flushing = this.flushing.then(() => this.flushOnce());
  }

  async flush(): Promise<void> {
    await this.flushing;
    await this.flushOnce();
  }

  private async flushOnce(): Promise<void> {
    if (!this.dirty || !this.dataFile) return;
    this.dirty = false;
    await writeFileAtomic(this.dataFile, `${JSON.stringify(this.state)}\n`);
  }
}

async function loadState(file: string): Promise<DevState> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
    throw err;
  }
  const parsed = stateSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${file} is not dev-server state: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}
