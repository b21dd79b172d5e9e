import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, expect } from 'vitest';
import type { InventoryGraph } from '../../src/graph/graph.ts';
import { InterHubDevServer, type DevServerOptions, type SeededHub } from '../../src/interhub/dev/server.ts';
import { idempotencyKeyOf } from '../../src/interhub/wire/metadata.ts';
import { manifestSchema, MANIFEST_FILE, type Manifest } from '../../src/model/vocabulary.ts';
import { runSync, type SyncRun, type SyncRunOptions } from '../../src/sync/run-sync.ts';

export interface TestHub {
  server: InterHubDevServer;
  seeded: SeededHub;
  key: string;
  manifest: Manifest;
}

export async function readManifest(root: string): Promise<Manifest> {
  return manifestSchema.parse(JSON.parse(await readFile(path.join(root, MANIFEST_FILE), 'utf8')));
}

/** The project's Inter-Hub dev server on 127.0.0.1 with the ops-hub hub as bootstrap leaves it. */
export async function startHub(root: string, options: DevServerOptions = {}, edit: (m: Manifest) => Manifest = (m) => m): Promise<TestHub> {
  const manifest = edit(await readManifest(root));
  const server = await InterHubDevServer.start(options);
  const key = `ihk_test_${randomBytes(16).toString('hex')}`;
  const { hub, ...rest } = manifest;
  const seeded = server.seedHub({ hub, manifest: rest, key });
  return { server, seeded, key, manifest };
}

/** `startHub` for the tests of one file: every hub it starts is closed after its test. */
export function hubsPerTest(): typeof startHub {
  let started: TestHub[] = [];
  afterEach(async () => {
    await Promise.all(started.map((h) => h.server.close()));
    started = [];
  });
  return async (...args) => {
    const hub = await startHub(...args);
    started.push(hub);
    return hub;
  };
}

/** Fast retries: the faults are real, the waiting is not what is under test. */
export const QUICK_RETRIES = { baseDelayMs: 2, maxDelayMs: 20, attempts: 8, rateLimitWaits: 50 };

export function sync(graph: InventoryGraph, hub: TestHub, mode: 'plan' | 'apply', log?: (line: string) => void, more: Partial<SyncRunOptions> = {}): Promise<SyncRun> {
  return runSync(graph, {
    mode,
    base: hub.server.url,
    hub: hub.manifest.hub.slug,
    credentials: { clientId: hub.seeded.consumerId, clientSecret: hub.key },
    commitSha: '0123456789abcdef0123456789abcdef01234567',
    client: { retry: QUICK_RETRIES },
    ...(log ? { log } : {}),
    ...more,
  });
}

/** What the server holds for the hub: widget names with their count, event and annotation keys with theirs. */
export function holdings(hub: TestHub): { widgets: Map<string, number>; events: Map<string, number>; annotations: Map<string, number> } {
  const state = hub.server.snapshot();
  const widgets = new Map<string, number>();
  const ids = new Set<string>();
  for (const w of state.widgets.filter((w) => w.hubId === hub.seeded.hubId && w.name.startsWith('ops-'))) {
    widgets.set(w.name, (widgets.get(w.name) ?? 0) + 1);
    ids.add(w.id);
  }
  const byKey = (items: ReadonlyArray<{ id: string; widgetId: string; metadata?: Record<string, unknown> | null }>) => {
    const counts = new Map<string, number>();
    for (const item of items.filter((i) => ids.has(i.widgetId))) {
      const key = idempotencyKeyOf(item) ?? `no-key:${item.id}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts;
  };
  return { widgets, events: byKey(state.events), annotations: byKey(state.annotations) };
}

/** Exactly these widgets, event keys (and annotation keys), each once: no duplicate from a retry, a lost answer or a second run. */
export function expectExactlyOnce(hub: TestHub, widgetNames: string[], eventKeys: string[], annotationKeys?: string[]): void {
  const held = holdings(hub);
  expect([...held.widgets.keys()].sort()).toEqual([...widgetNames].sort());
  expect([...held.widgets.values()].every((n) => n === 1)).toBe(true);
  expect([...held.events.keys()].sort()).toEqual([...new Set(eventKeys)].sort());
  expect([...held.events.values()].every((n) => n === 1)).toBe(true);
  if (!annotationKeys) return;
  expect([...held.annotations.keys()].sort()).toEqual([...new Set(annotationKeys)].sort());
  expect([...held.annotations.values()].every((n) => n === 1)).toBe(true);
}

/** The environment of a command run, without any Inter-Hub setting of the machine running the tests. */
export function syncEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const { IHUB_BASE, IHUB_CLIENT_ID, OPS_HUB_KEY, IHUB_OPERATOR_KEY, IHUB_HUB, ...rest } = process.env;
  return { ...rest, ...extra };
}
