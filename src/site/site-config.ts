/** Build settings, passed from scripts/build.ts to Astro through the environment. */
export interface SiteConfig {
  /** Inventory root directory. */
  root: string;
  /** Site base path, always ending in `/` (e.g. `/ops-hub/`). */
  base: string;
  /** Web UI URL of the repository's files at the built revision, e.g. `https://gitea.example/org/ops-hub/src/branch/main`. */
  repoUrl?: string;
  /** Evidence ages against this moment. */
  now: number;
}

export function normaliseBase(base: string | undefined): string {
  const trimmed = (base ?? '/').trim().replace(/^\/*/, '/').replace(/\/*$/, '/');
  return trimmed === '//' ? '/' : trimmed;
}

export function siteConfig(env: NodeJS.ProcessEnv = process.env): SiteConfig {
  const now = env.OPS_HUB_NOW ? Date.parse(env.OPS_HUB_NOW) : Date.now();
  return {
    root: env.OPS_HUB_ROOT ?? process.cwd(),
    base: normaliseBase(env.OPS_HUB_SITE_BASE),
    ...(env.OPS_HUB_REPO_URL ? { repoUrl: env.OPS_HUB_REPO_URL.replace(/\/+$/, '') } : {}),
    now: Number.isNaN(now) ? Date.now() : now,
  };
}

/**
 * The base path pages link with. Read from our own variable, not Vite's
 * `import.meta.env.BASE_URL`, which an inherited BASE_URL variable (set by
 * test runners) silently overrides.
 */
export const SITE_BASE = normaliseBase(process.env.OPS_HUB_SITE_BASE);
