import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration, AstroUserConfig } from 'astro';
import { z } from 'zod';
import { headCommit } from '../git/history.ts';
import { API_DIR, writeReadApi } from './api-files.ts';
import { fillDiagrams } from './diagram-fill.ts';
import { preparedSite } from './prepared-data.ts';
import { forgetWholeSite, type PreviousSite } from './previous-site.ts';
import { indexForSearch, pagesDigest, SEARCH_DIR } from './search-index.ts';
import { stampFile } from './stamped-dir.ts';
import { resolveSiteSettings, SiteSettingsError, type SiteSettings } from './site-config.ts';
import { siteDigest } from './site-version.ts';

const SETTINGS_MODULE = 'virtual:ops-hub/settings';
/** Vite's convention for a module that exists only in a plugin. */
const RESOLVED_SETTINGS_MODULE = `\0${SETTINGS_MODULE}`;

export type OpsHubIntegration = AstroIntegration & {
  /** The validated settings, for the command that builds with this integration (it validates the inventory first). */
  readonly settings: SiteSettings;
  /** The settings the pages get: these, with the commit the inventory is at. */
  pageSettings(): Promise<SiteSettings>;
  /** The previous build, set aside by `npm run build`: its search index and read API are taken over when made from the same. */
  reuseFrom(previous: PreviousSite | undefined): void;
};

/**
 * The site's own Astro integration. It validates the settings when it is
 * created (before Astro writes anything), hands them to every page as
 * `virtual:ops-hub/settings` (with the commit the inventory is at). When
 * the pages are built, it writes the read API, indexes the site for search
 * (in pagefind's own process) and fills the diagrams into their pages as
 * they are laid out, side by side.
 */
export function opsHub(options: unknown): OpsHubIntegration {
  const settings = resolveSiteSettings(options);
  let withCommit: Promise<SiteSettings> | undefined;
  const pageSettings = () =>
    (withCommit ??= headCommit(settings.root).then((commit) => ({ ...settings, ...(commit ? { commit } : {}) })));
  let previous: PreviousSite | undefined;
  return {
    name: 'ops-hub',
    settings,
    pageSettings,
    reuseFrom(site) {
      previous = site;
    },
    hooks: {
      'astro:config:setup': async ({ config, command, updateConfig }) => {
        // Pages link with the settings' base and Astro writes to its outDir: an Astro flag or config that disagrees would build a broken site.
        const outDir = path.resolve(fileURLToPath(config.outDir));
        if (config.base !== settings.base || outDir !== settings.outDir) {
          throw new SiteSettingsError(
            'site-settings-invalid',
            `Astro builds with base ${config.base} into ${outDir}, but the ops-hub settings say base ${settings.base} into ${settings.outDir}: ` +
              'set base and outDir as ops-hub settings (npm run build flags, or ops-hub.config.json), not as Astro flags or config',
          );
        }
        // The site is about to change: until it is whole again, it must not pass for the last one (previous-site.ts).
        if (command === 'build') await forgetWholeSite(settings.root, settings.outDir);
        const forPages = await pageSettings();
        updateConfig({
          vite: {
            plugins: [
              {
                name: 'ops-hub-settings',
                resolveId: (id: string) => (id === SETTINGS_MODULE ? RESOLVED_SETTINGS_MODULE : undefined),
                load: (id: string) =>
                  id === RESOLVED_SETTINGS_MODULE
                    ? `export const siteSettings = Object.freeze(${JSON.stringify(forPages)});\nexport const inlineDiagrams = ${command !== 'build'};\n`
                    : undefined,
              },
            ],
          },
        });
      },
      'astro:build:done': async ({ dir }) => {
        const out = fileURLToPath(dir);
        const site = preparedSite(settings);
        const forPages = await pageSettings();
        const { graph } = await site.data;
        const stamp = (folder: string) => stampFile(settings.root, out, folder);
        // The pages as Astro wrote them, with a placeholder for each diagram: what the search index is made of.
        const pages = pagesDigest(out);
        // Pagefind indexes in its own process while the read API is written here and the diagrams are filled in as Chromium lays them out.
        await Promise.all([
          indexForSearch(out, { digest: pages, stamp: stamp(SEARCH_DIR), previous: previous?.searchIndex }),
          writeReadApi(out, graph, forPages.commit, { digest: siteDigest(graph, forPages), stamp: stamp(API_DIR), previous: previous?.api }),
          Promise.all([site.diagrams, site.svgs]).then(([diagrams, svgs]) =>
            fillDiagrams(out, [...diagrams.values()].map(({ name, page }) => ({ name, page, svg: svgs.get(name)! }))),
          ),
          site.layoutDone,
        ]);
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
    build: { format: 'directory', inlineStylesheets: 'never', concurrency: PAGES_IN_FLIGHT },
    cacheDir: path.join(integration.settings.root, '.cache', 'astro'),
    devToolbar: { enabled: false },
    // Pages ship no client code unless a page asks for it.
    scopedStyleStrategy: 'class',
    vite: { build: { assetsInlineLimit: 0 } },
    integrations: [integration],
  };
}

/**
 * A few pages in flight, so one page's file writes overlap the next one's
 * rendering (1k records: 8.8 s with 4, 10.2 s one at a time). No page waits
 * for a diagram (diagram-fill.ts), and every page in flight holds memory.
 */
const PAGES_IN_FLIGHT = 4;

const searchEntrySchema = z.object({ languages: z.record(z.string(), z.object({ page_count: z.number() })) });

/** How many pages the search index of a built site holds, read from the index pagefind wrote. */
export async function indexedPages(outDir: string): Promise<number> {
  const entry = searchEntrySchema.parse(JSON.parse(await readFile(path.join(outDir, SEARCH_DIR, 'pagefind-entry.json'), 'utf8')));
  return Object.values(entry.languages).reduce((sum, language) => sum + language.page_count, 0);
}
