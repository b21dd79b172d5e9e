// @ts-check
import { defineConfig } from 'astro/config';
import { opsHub, siteAstroConfig } from './src/site/integration.ts';
import { siteOptions } from './src/site/site-config.ts';

// `astro build` takes the site settings from ops-hub.config.json in the working
// directory (README: "Building the site"); `npm run build` passes the same
// config inline, from its flags.
export default defineConfig(siteAstroConfig(opsHub(await siteOptions())));
