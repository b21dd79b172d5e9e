// @ts-check
import { defineConfig } from 'astro/config';

// scripts/build.ts passes the settings through the environment (see src/site/site-config.ts).
const base = (process.env.OPS_HUB_SITE_BASE ?? '/').replace(/^\/*/, '/').replace(/\/*$/, '/');

export default defineConfig({
  output: 'static',
  base,
  ...(process.env.OPS_HUB_SITE_URL ? { site: process.env.OPS_HUB_SITE_URL } : {}),
  trailingSlash: 'always',
  outDir: process.env.OPS_HUB_OUT_DIR ?? './dist',
  build: { format: 'directory', inlineStylesheets: 'never' },
  devToolbar: { enabled: false },
  // Pages ship no client code unless a page asks for it.
  scopedStyleStrategy: 'class',
  vite: { build: { assetsInlineLimit: 0 } },
});
