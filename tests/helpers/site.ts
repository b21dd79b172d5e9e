import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { preview } from 'astro';
import { opsHub, siteAstroConfig } from '../../src/site/integration.ts';
import { REPO_ROOT } from './fixture.ts';

const run = promisify(execFile);

export interface BuiltSite {
  out: string;
  base: string;
  url: string;
  stop: () => Promise<void>;
}

/** Builds a site with the real build command into a fresh directory; resolves to that directory. */
export async function buildSite(root: string, options: { base: string; now: string; repoUrl?: string }): Promise<string> {
  const out = await mkdtemp(path.join(tmpdir(), 'ops-hub-site-'));
  await run(process.execPath, [
    path.join(REPO_ROOT, 'scripts/build.ts'),
    '--root', root, '--out', out, '--base', options.base, '--now', options.now,
    ...(options.repoUrl ? ['--repo-url', options.repoUrl] : []),
  ], { cwd: REPO_ROOT, maxBuffer: 1 << 26 });
  return out;
}

/** Builds a site with the real build command and serves it on 127.0.0.1, as npm run preview does. */
export async function buildAndServe(root: string, options: { base: string; now: string; repoUrl?: string }): Promise<BuiltSite> {
  const out = await buildSite(root, options);
  process.env.ASTRO_TELEMETRY_DISABLED = '1';
  const site = opsHub({ root, base: options.base, outDir: out });
  const server = await preview({
    ...siteAstroConfig(site),
    root: REPO_ROOT,
    configFile: false,
    logLevel: 'error',
    server: { host: '127.0.0.1', port: 0 },
  });
  return { out, base: options.base, url: `http://127.0.0.1:${server.port}${options.base}`, stop: () => server.stop() };
}
