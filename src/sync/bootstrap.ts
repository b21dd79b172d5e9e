import { InterHubClient, type ClientOptions } from '../interhub/client.ts';
import { AuthError } from '../interhub/errors.ts';
import { probeBootstrapGate, type GateVerdict } from '../interhub/gate-probe.ts';
import { apiConsumerSchema, keyCreatedSchema, hubManifestSchema, type ApiConsumer, type HubManifest, type ManifestCreate } from '../interhub/wire/bootstrap.ts';
import { hubSchema, type Hub } from '../interhub/wire/hubs.ts';
import { routePath } from '../interhub/wire/routes.ts';
import { RUNTIME_KEY_SCOPES } from '../interhub/wire/token.ts';
import type { Manifest } from '../model/vocabulary.ts';

/**
 * OPS-WP-0002 T04: with the bootstrap gate open and the operator key, create or
 * reuse the ops-hub hub, its active manifest, the runtime API consumer and a
 * key. Each step looks before it creates, so a re-run reuses what exists.
 */

export const BOOTSTRAP_RUNBOOK = 'inventory/runbooks/ops-hub-bootstrap.md';

export type BootstrapStep = 'created' | 'reused' | 'activated';

export interface BootstrapResult {
  gate: GateVerdict;
  hub?: { id: string; slug: string; step: BootstrapStep };
  manifest?: { id: string; version: string; step: BootstrapStep };
  consumer?: { id: string; name: string; step: BootstrapStep };
  /** A new key: only its prefix is reported; the whole key goes to the operator, never to output. */
  key?: { id: string; prefix: string; secret: string } | { reusedFromEnvironment: true };
}

export interface BootstrapOptions {
  base: string;
  operatorKey: string;
  manifest: Manifest;
  /** The runtime credentials already held, reused when they still work for this consumer. */
  existing?: { clientId: string; key: string };
  client?: Partial<ClientOptions>;
  log?: (line: string) => void;
}

const sameNames = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

function matches(remote: HubManifest, wanted: ManifestCreate): boolean {
  return (
    remote.version === wanted.version &&
    sameNames(remote.declaredWidgetTypes, wanted.declaredWidgetTypes) &&
    sameNames(remote.declaredEventTypes, wanted.declaredEventTypes) &&
    sameNames(remote.declaredAnnotationCategories, wanted.declaredAnnotationCategories) &&
    sameNames(remote.declaredPolicyScopes, wanted.declaredPolicyScopes)
  );
}

export async function bootstrap(options: BootstrapOptions): Promise<BootstrapResult> {
  const gate = await probeBootstrapGate(options.base, options.client?.timeoutMs ? { timeoutMs: options.client.timeoutMs } : {});
  if (gate.status !== 'open') return { gate };

  const client = new InterHubClient({ ...options.client, base: options.base, operatorKey: options.operatorKey, ...(options.log ? { log: options.log } : {}) });
  try {
    const { manifest } = options;
    const findHub = async () => (await client.listAll('hubs', hubSchema, 'operator')).find((h) => h.slug === manifest.hub.slug);
    let hub: Hub | undefined = await findHub();
    let hubStep: BootstrapStep = 'reused';
    if (!hub) {
      hub = (await client.post(routePath('hubs'), manifest.hub, hubSchema, 'operator', { kind: 'lookup', find: findHub })).value;
      hubStep = 'created';
    }

    const wanted: ManifestCreate = {
      hubId: hub.id,
      version: manifest.version,
      capabilityDescription: manifest.capabilityDescription,
      contact: manifest.contact,
      declaredWidgetTypes: manifest.declaredWidgetTypes,
      declaredEventTypes: manifest.declaredEventTypes,
      declaredAnnotationCategories: manifest.declaredAnnotationCategories,
      declaredPolicyScopes: manifest.declaredPolicyScopes,
    };
    const findManifest = async () =>
      (await client.listAll('manifests', hubManifestSchema, 'operator', { hubId: hub!.id })).find((m) => m.hubId === hub!.id && matches(m, wanted));
    let remoteManifest = await findManifest();
    let manifestStep: BootstrapStep = 'reused';
    if (!remoteManifest) {
      remoteManifest = (await client.post(routePath('manifests'), wanted, hubManifestSchema, 'operator', { kind: 'lookup', find: findManifest })).value;
      manifestStep = 'created';
    }
    if (remoteManifest.status !== 'active') {
      // Activating twice is harmless, so a lost answer may simply be repeated.
      remoteManifest = (await client.post(routePath('manifestActivate', remoteManifest.id), {}, hubManifestSchema, 'operator', { kind: 'repeat' })).value;
      if (manifestStep === 'reused') manifestStep = 'activated';
    }

    const manifestId = remoteManifest.id;
    const findConsumer = async () =>
      (await client.listAll('apiConsumers', apiConsumerSchema, 'operator')).find((c) => c.name === manifest.hub.slug && c.manifestId === manifestId);
    let consumer: ApiConsumer | undefined = await findConsumer();
    let consumerStep: BootstrapStep = 'reused';
    if (!consumer) {
      const body = { name: manifest.hub.slug, description: `Runtime API consumer of ${manifest.hub.name} (ops-hub sync)`, manifestId };
      consumer = (await client.post(routePath('apiConsumers'), body, apiConsumerSchema, 'operator', { kind: 'lookup', find: findConsumer })).value;
      consumerStep = 'created';
    }

    const result: BootstrapResult = {
      gate,
      hub: { id: hub.id, slug: hub.slug, step: hubStep },
      manifest: { id: manifestId, version: remoteManifest.version, step: manifestStep },
      consumer: { id: consumer.id, name: consumer.name, step: consumerStep },
    };
    if (options.existing && options.existing.clientId === consumer.id && (await keyWorks(options, consumer.id))) {
      return { ...result, key: { reusedFromEnvironment: true } };
    }
    // A key is shown once and cannot be looked up: if its answer is lost, stop rather than mint a second one.
    const key = await client.post(routePath('apiConsumerKeys', consumer.id), { scopes: RUNTIME_KEY_SCOPES }, keyCreatedSchema, 'operator', {
      kind: 'fail',
      why: `look at the keys of API consumer ${consumer.id} in Inter-Hub, revoke the one whose answer was lost, and run the bootstrap again`,
    });
    return { ...result, key: { id: key.value.id, prefix: key.value.prefix, secret: key.value.key } };
  } finally {
    await client.close();
  }
}

/** Whether the key held in the environment still exchanges for a token. */
async function keyWorks(options: BootstrapOptions, clientId: string): Promise<boolean> {
  const client = new InterHubClient({ ...options.client, base: options.base, credentials: { clientId, clientSecret: options.existing!.key } });
  try {
    await client.authenticate();
    return true;
  } catch (err) {
    if (err instanceof AuthError) return false;
    throw err;
  } finally {
    await client.close();
  }
}
