import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration, AstroUserConfig } from 'astro';
import { z } from 'zod';
import { headCommit } from '../git/history.ts';
import { writeReadApi } from './api-files.ts';
import { preparedSite } from './prepared-data.ts';
import { indexForSearch, SEARCH_DIR } from './search-index.ts';
import { resolveSiteSettings, SiteSettingsError, type SiteSettings } from './site-config.ts';

const SETTINGS_MODULE = 'virtual:ops-hub/settings';
/** Vite's convention for a module that exists only in a plugin. */
const RESOLVED_SETTINGS_MODULE = `\0${SETTINGS_MODULE}`;

export type OpsHubIntegration = AstroIntegration & {
  /** The validated settings, for the command that builds with this integration (it validates the inventory first). */
  readonly settings: SiteSettings;
  /** The previous build's search index, set aside by `npm run build`: taken over when this build indexes the same pages. */
  reuseSearchIndex(dir: string | undefined): void;
};

/**
 * The site's own Astro integration. It validates the settings when it is
 * created (before Astro writes anything), hands them to every page as
 * `virtual:ops-hub/settings` (with the commit the inventory is at). When
 * the pages are built, it writes the read API and indexes the site for
 * search, side by side: the index is built by pagefind's own process.
 */
export function opsHub(options: unknown): OpsHubIntegration {
  const settings = resolveSiteSettings(options);
  let commit: string | undefined;
  let previousSearchIndex: string | undefined;
  return {
    name: 'ops-hub',
    settings,
    reuseSearchIndex(dir) {
      previousSearchIndex = dir;
    },
    hooks: {
      'astro:config:setup': async ({ config, updateConfig }) => {
        // Pages link with the settings' base and Astro writes to its outDir: an Astro flag or config that disagrees would build a broken site.
        const outDir = path.resolve(fileURLToPath(config.outDir));
        if (config.base !== settings.base || outDir !== settings.outDir) {
          throw new SiteSettingsError(
            'site-settings-invalid',
            `Astro builds with base ${config.base} into ${outDir}, but the ops-hub settings say base ${settings.base} into ${settings.outDir}: ` +
              'set base and outDir as ops-hub settings (npm run build flags, or ops-hub.config.json), not as Astro flags or config',
          );
        }
        commit = await headCommit(settings.root);
        const pageSettings: SiteSettings = { ...settings, ...(commit ? { commit } : {}) };
        updateConfig({
          vite: {
            plugins: [
              {
                name: 'ops-hub-settings',
                resolveId: (id: string) => (id === SETTINGS_MODULE ? RESOLVED_SETTINGS_MODULE : undefined),
                load: (id: string) =>
                  id === RESOLVED_SETTINGS_MODULE ? `export const siteSettings = Object.freeze(${JSON.stringify(pageSettings)});\n` : undefined,
              },
            ],
          },
        });
      },
      'astro:build:done': async ({ dir }) => {
        const out = fileURLToPath(dir);
        const { graph } = await preparedSite(settings).data;
        // Pagefind indexes in its own process while the read API is written here.
        await Promise.all([indexForSearch(out, previousSearchIndex), writeReadApi(out, graph, commit)]);
      },
    },
  };
}

/**
 * The site's whole Astro config, around its integration: astro.config.mjs
 * exports it for `astro build`, and `npm run build`/`preview` pass it inline,
 * so both build the same site from the same settings.
 */
export function siteAstroConfig(integration: OpsHubIntegration): AstroUserConfig {
  return {
    output: 'static',
    base: integration.settings.base,
    outDir: integration.settings.outDir,
    trailingSlash: 'always',
    // Topology pages wait for their diagrams (laid out in Chromium meanwhile): enough pages in flight that the rest never wait behind them.
    build: { format: 'directory', inlineStylesheets: 'never', concurrency: PAGES_IN_FLIGHT },
    devToolbar: { enabled: false },
    // Pages ship no client code unless a page asks for it.
    scopedStyleStrategy: 'class',
    vite: { build: { assetsInlineLimit: 0 } },
    integrations: [integration],
  };
}

/** More than the diagram pages of any inventory we build (one per environment and the estate's), so they cannot fill every slot. */
const PAGES_IN_FLIGHT = 512;

const searchEntrySchema = z.object({ languages: z.record(z.string(), z.object({ page_count: z.number() })) });

/** How many pages the search index of a built site holds, read from the index pagefind wrote. */
export async function indexedPages(outDir: string): Promise<number> {
  const entry = searchEntrySchema.parse(JSON.parse(await readFile(path.join(outDir, SEARCH_DIR, 'pagefind-entry.json'), 'utf8')));
  return Object.values(entry.languages).reduce((sum, language) => sum + language.page_count, 0);
}
