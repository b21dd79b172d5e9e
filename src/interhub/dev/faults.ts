import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { Hub } from '../wire/hubs.ts';
import type { RouteName } from '../wire/routes.ts';
import { HttpAnswer } from './http.ts';
import type { DevStore } from './state.ts';

/** The faults a sync must survive, switched on per dev server (`npm run interhub:dev` flags, or tests). */

export interface DevServerFaults {
  /** Added to every API answer. */
  latencyMs: number;
  /** Every Nth API request answers 429 with Retry-After (0 = off). */
  rateLimitEvery: number;
  retryAfterS: number;
  /** Every Nth API request answers 500 before doing anything (0 = off). */
  failEvery: number;
  /** Every Nth committed create drops the connection instead of answering (0 = off). */
  dropAfterCommitEvery: number;
  /**
   * How long a token really lives. `expires_in` advertises it rounded up to
   * whole seconds, so sub-second lifetimes expire before the client expects:
   * the mid-run expiry a client must survive.
   */
  tokenTtlMs: number;
  /**
   * How many authenticated requests a token answers before it answers 401
   * (0 = no limit): the same mid-run expiry, struck at the same request
   * whatever the machine's load, which a wall-clock lifetime cannot promise.
   */
  tokenUses: number;
  /** Items of another hub inserted at the head of a list before each page ≥ 2 is answered (0 = off). */
  shiftPagesBy: number;
  /** Routes that answer this status to every request, whatever it asks. */
  routeStatus: Partial<Record<RouteName, number>>;
  /** Routes that never answer: the request is held until the client gives up and closes the connection. */
  stallRoutes: RouteName[];
}

export const NO_FAULTS: DevServerFaults = {
  latencyMs: 0,
  rateLimitEvery: 0,
  retryAfterS: 1,
  failEvery: 0,
  dropAfterCommitEvery: 0,
  tokenTtlMs: 3_600_000,
  tokenUses: 0,
  shiftPagesBy: 0,
  routeStatus: {},
  stallRoutes: [],
};

/**
 * The faults that strike before a request reaches its route: latency, a
 * stalled route (resolves `stalled` once the client has hung up), a route's
 * fixed status, every Nth request failing, every Nth rate limited.
 */
export async function beforeRoute(faults: DevServerFaults, n: number, route: RouteName, res: ServerResponse): Promise<'stalled' | undefined> {
  if (faults.latencyMs > 0) await delay(faults.latencyMs);
  if (faults.stallRoutes.includes(route)) {
    if (!res.destroyed) await new Promise((resolve) => res.once('close', resolve));
    return 'stalled';
  }
  const status = faults.routeStatus[route];
  if (status !== undefined) throw new HttpAnswer(status, { error: 'injected_status' });
  if (faults.failEvery > 0 && n % faults.failEvery === 0) throw new HttpAnswer(500, { error: 'injected_failure' });
  if (faults.rateLimitEvery > 0 && n % faults.rateLimitEvery === 0) {
    throw new HttpAnswer(429, { error: 'rate_limited' }, { 'retry-after': String(faults.retryAfterS) });
  }
  return undefined;
}

/** After the Nth committed create: drop the connection instead of answering, when that fault is on. */
export function dropsAfterCommit(faults: DevServerFaults, n: number, req: IncomingMessage): boolean {
  if (faults.dropAfterCommitEvery === 0 || n % faults.dropAfterCommitEvery !== 0) return false;
  req.socket.destroy();
  return true;
}

function noiseHub(store: DevStore): Hub {
  return store.state.hubs.find((h) => h.slug === 'noise-hub') ?? store.insertHub({ name: 'Noise', slug: 'noise-hub', domain: 'noise.invalid', hubKind: 'domain' });
}

/** Widgets another client creates meanwhile: in the hub being listed, so a filtered walk shifts too. */
export function shiftWidgets(store: DevStore, by: number, hubId?: string): void {
  const inHub = hubId ?? noiseHub(store).id;
  for (let i = 0; i < by; i++) {
    const at = new Date().toISOString();
    store.state.widgets.push({ id: randomUUID(), hubId: inHub, name: `noise-${randomUUID().slice(0, 8)}`, widgetType: 'generic', policyScope: 'internal', status: 'active', createdAt: at, updatedAt: at });
  }
}

function noiseWidgetId(store: DevStore): string {
  const hub = noiseHub(store);
  if (!store.state.widgets.some((w) => w.hubId === hub.id)) shiftWidgets(store, 1, hub.id);
  return store.state.widgets.find((w) => w.hubId === hub.id)!.id;
}

export function shiftEvents(store: DevStore, by: number): void {
  const widgetId = noiseWidgetId(store);
  for (let i = 0; i < by; i++) {
    store.state.events.push({ id: randomUUID(), widgetId, eventType: 'clicked', metadata: null, occurredAt: new Date().toISOString(), actorType: 'api' });
  }
}

export function shiftAnnotations(store: DevStore, by: number): void {
  const widgetId = noiseWidgetId(store);
  for (let i = 0; i < by; i++) {
    store.state.annotations.push({ id: randomUUID(), widgetId, category: 'note', body: 'noise', metadata: null, createdAt: new Date().toISOString(), actorType: 'api' });
  }
}
