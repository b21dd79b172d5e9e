import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { timestampSchema, toEpochMs } from '../model/time.ts';
import { didYouMean } from '../util/did-you-mean.ts';
import { InputError } from '../util/input-error.ts';

/**
 * The site's settings: what a person gives (`npm run build` flags, or
 * ops-hub.config.json for a plain `astro build`), validated once at the
 * boundary by the ops-hub integration (src/site/integration.ts), which hands
 * the result to every page as `virtual:ops-hub/settings`.
 */

/** Read from the working directory by astro.config.mjs, and by `npm run build`/`preview` under their flags. */
export const SITE_CONFIG_FILE = 'ops-hub.config.json';

/** The settings as given: relative paths are relative to the working directory. */
export interface SiteOptions {
  /** Inventory root directory (default: the working directory). */
  root?: string;
  /** Path the site is served under (default `/`). */
  base?: string;
  /** ISO date or date-time with offset that evidence ages against (default: when the build starts). */
  now?: string;
  /** Web UI URL of the repository's files at the built revision, e.g. `https://gitea.example/org/ops-hub/src/branch/main`. */
  repoUrl?: string;
  /** Where the site is written (default `dist`). */
  outDir?: string;
}

/** What every page reads, once, from `import { siteSettings } from 'virtual:ops-hub/settings'`. */
export interface SiteSettings {
  /** Inventory root directory, absolute. */
  root: string;
  /** Site base path, always ending in `/` (e.g. `/ops-hub/`). */
  base: string;
  /** Evidence ages against this moment (ms since epoch). */
  now: number;
  /** Without a trailing slash; http(s), no credentials, query or fragment. */
  repoUrl?: string;
  /** Output directory, absolute. */
  outDir: string;
  /** The commit the inventory is at (git HEAD of `root`), filled in by the integration; absent outside a git checkout. */
  commit?: string;
}

/** How a person sets each option, for error messages. */
const HOW: Record<keyof SiteOptions, string> = {
  root: '--root',
  base: '--base',
  now: '--now',
  repoUrl: '--repo-url',
  outDir: '--out',
};

export type SiteSettingsCode = 'site-settings-invalid' | 'site-settings-file';

/** A setting that is not what the site needs: the build stops before anything is written (the CLI exits 2). */
export class SiteSettingsError extends InputError<SiteSettingsCode> {}

export function normaliseBase(base: string | undefined): string {
  const trimmed = (base ?? '/').trim().replace(/^\/*/, '/').replace(/\/*$/, '/');
  return trimmed === '//' ? '/' : trimmed;
}

/** URL path segments that need no escaping, and no `.` or `..` (which browsers would resolve away). */
const BASE_PATH = /^\/(?:(?!\.\.?\/)[A-Za-z0-9._~-]+\/)*$/;

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function optionsSchema(cwd: string) {
  const absolute = (p: string) => path.resolve(cwd, p);
  return z
    .strictObject({
      root: z.string().min(1).transform(absolute).refine(isDirectory, { error: 'must be an existing directory: the inventory root' }).prefault('.'),
      base: z
        .string()
        .transform(normaliseBase)
        .refine((b) => BASE_PATH.test(b), { error: 'must be a URL path such as /ops-hub/ (letters, digits, "-", "_", ".", "~" between slashes)' })
        .prefault('/'),
      now: timestampSchema.optional(),
      repoUrl: z
        .url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. https://gitea.example/org/ops-hub/src/branch/main' })
        // Zod runs these after a failed URL check too: an unparseable value is that check's to report.
        .refine((u) => { const url = URL.parse(u); return !url || (!url.username && !url.password); }, { error: 'must not hold credentials: the site links to it publicly' })
        .refine((u) => { const url = URL.parse(u); return !url || (!url.search && !url.hash); }, { error: 'must have no query string or fragment: file paths are appended to it' })
        .transform((u) => u.replace(/\/+$/, ''))
        .optional(),
      outDir: z.string().min(1).transform(absolute).prefault('dist'),
    })
    .check((ctx) => {
      const { root, outDir } = ctx.value;
      // Astro empties the output directory: it must not hold the inventory.
      if (!path.relative(outDir, root).startsWith('..')) {
        ctx.issues.push({ code: 'custom', path: ['outDir'], input: outDir, message: `must not be the inventory root or contain it (${root})` });
      }
    });
}

/** One line per problem: the setting, how it is given, what is wrong, and what was given (never a repository URL, which may hold a secret). */
function describe(issue: z.core.$ZodIssue, given: Record<string, unknown>): string[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const hint = didYouMean(key, Object.keys(HOW));
      return `  ${key}: not a site setting${hint ? ` — ${hint}` : ''} (settings: ${Object.keys(HOW).join(', ')})`;
    });
  }
  const key = String(issue.path[0] ?? 'settings');
  const how = HOW[key as keyof SiteOptions];
  const value = given[key];
  const shown = key === 'repoUrl' || value === undefined ? '' : ` (got ${JSON.stringify(value)})`;
  const message = issue.code === 'invalid_type' ? `must be ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}` : issue.message;
  return [`  ${key}${how ? ` (${how})` : ''}: ${message}${shown}`];
}

/**
 * Validates what a person gave into the settings pages read. `now` defaults
 * to the moment of this call, so every page of one build ages evidence
 * against the same instant; an invalid `now` is an error, never that default.
 */
export function resolveSiteSettings(options: unknown, cwd = process.cwd(), clock: () => number = Date.now): SiteSettings {
  const parsed = optionsSchema(cwd).safeParse(options ?? {});
  if (!parsed.success) {
    const given = typeof options === 'object' && options !== null ? (options as Record<string, unknown>) : {};
    throw new SiteSettingsError(
      'site-settings-invalid',
      [
        'invalid site settings:',
        ...parsed.error.issues.flatMap((issue) => describe(issue, given)),
        `set them with npm run build flags, or in ${SITE_CONFIG_FILE} for astro build (README: "Building the site")`,
      ].join('\n'),
    );
  }
  const { now, repoUrl, ...rest } = parsed.data;
  return { ...rest, now: now === undefined ? clock() : toEpochMs(now), ...(repoUrl ? { repoUrl } : {}) };
}

/**
 * The options a person gave: ops-hub.config.json in `dir` (when there is
 * one), each overridden by a flag that was given.
 */
export async function siteOptions(flags: SiteOptions = {}, dir = process.cwd()): Promise<Record<string, unknown>> {
  const file = path.join(dir, SITE_CONFIG_FILE);
  let text: string | undefined;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  let fromFile: unknown = {};
  if (text !== undefined) {
    try {
      fromFile = JSON.parse(text);
    } catch (err) {
      throw new SiteSettingsError('site-settings-file', `${file}: ${(err as Error).message}\nwrite one JSON object, e.g. {"base": "/ops-hub/", "repoUrl": "https://gitea.example/org/ops-hub/src/branch/main"}`);
    }
    if (typeof fromFile !== 'object' || fromFile === null || Array.isArray(fromFile)) {
      throw new SiteSettingsError('site-settings-file', `${file}: must hold one JSON object of settings (${Object.keys(HOW).join(', ')})`);
    }
  }
  const given = Object.fromEntries(Object.entries(flags).filter(([, value]) => value !== undefined));
  return { ...(fromFile as Record<string, unknown>), ...given };
}
