import { InputError } from '../util/input-error.ts';

export type SyncConfigCode = 'sync-config-base' | 'sync-config-credentials' | 'sync-config-site-url';

/** The environment does not say where or as whom to sync: the CLI exits 2 with the message. */
export class SyncConfigError extends InputError<SyncConfigCode> {}

/** Where to sync and as whom — from the environment only, never from a file in the repo. */
export interface SyncConfig {
  base: string;
  clientId?: string;
  key?: string;
  operatorKey?: string;
  /** The hub by id or by slug. */
  hub: string;
  /** The published site's base URL, ending in `/`: annotations link the record's page. */
  siteUrl?: string;
}

/** IHUB_BASE as an origin: a path, query or credentials in it would end up in reports. */
export function interHubBase(value: string | undefined, name = 'IHUB_BASE'): string {
  if (!value) throw new SyncConfigError('sync-config-base', `${name} is not set: export ${name}=https://hub.example (for a rehearsal: the URL npm run interhub:dev prints)`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SyncConfigError('sync-config-base', `${name} is not a URL (expected e.g. https://hub.coulomb.social)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new SyncConfigError('sync-config-base', `${name} must be an http(s) URL`);
  if (url.username || url.password) throw new SyncConfigError('sync-config-base', `${name} must not hold credentials: put the key in OPS_HUB_KEY`);
  return url.origin;
}

/** OPS_HUB_SITE_URL (or --site-url) as the base pages hang off: no credentials, query or fragment, which would reach Inter-Hub. */
export function siteBaseUrl(value: string, name: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SyncConfigError('sync-config-site-url', `${name} is not a URL (expected the published site, e.g. https://ops.example/ops-hub/)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new SyncConfigError('sync-config-site-url', `${name} must be an http(s) URL`);
  if (url.username || url.password || url.search || url.hash) {
    throw new SyncConfigError('sync-config-site-url', `${name} must be the site's plain base URL, without credentials, query or fragment (it is written into annotations)`);
  }
  return `${url.origin}${url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`}`;
}

export function syncConfigFromEnv(env: NodeJS.ProcessEnv, defaultHub: string, flags: { hub?: string | undefined; siteUrl?: string | undefined } = {}): SyncConfig {
  const base = interHubBase(env['IHUB_BASE']);
  const siteUrl = flags.siteUrl ?? (env['OPS_HUB_SITE_URL'] || undefined);
  const clientId = env['IHUB_CLIENT_ID'] || undefined;
  const key = env['OPS_HUB_KEY'] || undefined;
  const operatorKey = env['IHUB_OPERATOR_KEY'] || undefined;
  return {
    base,
    hub: flags.hub ?? env['IHUB_HUB'] ?? defaultHub,
    ...(siteUrl ? { siteUrl: siteBaseUrl(siteUrl, flags.siteUrl ? '--site-url' : 'OPS_HUB_SITE_URL') } : {}),
    ...(clientId ? { clientId } : {}),
    ...(key ? { key } : {}),
    ...(operatorKey ? { operatorKey } : {}),
  };
}

export function requireRuntimeCredentials(config: SyncConfig): { clientId: string; clientSecret: string } {
  const missing = [!config.clientId && 'IHUB_CLIENT_ID', !config.key && 'OPS_HUB_KEY'].filter(Boolean);
  if (missing.length > 0) {
    throw new SyncConfigError(
      'sync-config-credentials',
      `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set: the sync exchanges the ops-hub API consumer's key for a token (set them from your secret store; see the README)`,
    );
  }
  return { clientId: config.clientId!, clientSecret: config.key! };
}
