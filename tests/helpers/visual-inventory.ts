import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './fixture.ts';

const run = promisify(execFile);

/**
 * Records of the kinds the real inventory has none of yet (backup set,
 * release, incident), with titles longer than any real one and a long
 * unbroken URL, so every page type is looked at with the text that is
 * hardest to lay out.
 */
const LONG_RECORDS: Record<string, string> = {
  'inventory/backup-sets/gitea-postgres-nightly-offsite.yaml': `id: gitea-postgres-nightly-offsite
title: Gitea PostgreSQL nightly logical dump to the off-site object store, fourteen days kept, restore rehearsed monthly
owner: railiance-platform
policyScope: ops-backup-retention
status: draft
service: gitea-postgres
schedule: daily 02:00 UTC
retention: 14 days
`,
  'inventory/releases/gitea-1-22-3-registry-actions.yaml': `id: gitea-1-22-3-registry-actions
title: Gitea 1.22.3 with the container registry, the package registry and Actions runners enabled on CoulombCore
owner: railiance-apps
policyScope: ops-transitional-prod
status: current
service: gitea
version: 1.22.3
observedAt: 2026-06-01
`,
  'inventory/incidents/registry-404-after-ingress-reconfiguration.md': `---
id: registry-404-after-ingress-reconfiguration
title: Container registry answered 404 on /v2/ for every push and pull after the CoulombCore ingress was reconfigured
owner: railiance-apps
policyScope: ops-registry
status: resolved
services: [gitea-container-registry, coulombcore-ingress]
severity: medium
startedAt: 2026-05-10T10:00:00Z
resolvedAt: 2026-05-16T12:00:00Z
timeline:
  - at: 2026-05-10T10:00:00Z
    note: https://registry.example.test/v2/railiance/ops-hub/manifests/sha256:4f1c2a9e8b7d6c5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1 answers 404
  - at: 2026-05-16T12:00:00Z
    note: route fixed
---
The ingress did not route \`/v2/\` to the registry: every request to
https://registry.example.test/v2/railiance/ops-hub/manifests/sha256:4f1c2a9e8b7d6c5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1
answered 404 until the route was fixed.
`,
};

/**
 * A git checkout in a temp dir holding the repository's inventory and gates
 * plus {@link LONG_RECORDS}, committed so the pages' history sections render.
 * The widget seed is left out: it is generated from the real records only.
 */
export async function visualInventory(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ops-hub-visual-'));
  for (const part of ['inventory', 'gates', 'seeds/ops-hub-manifest.draft.json']) {
    await cp(path.join(REPO_ROOT, part), path.join(dir, part), { recursive: true });
  }
  for (const [file, text] of Object.entries(LONG_RECORDS)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  }
  const git = (...args: string[]) => run('git', ['-C', dir, ...args]);
  await git('init', '-q', '-b', 'main');
  await git('add', '-A');
  await git('-c', 'user.name=ops-hub visual check', '-c', 'user.email=visual@example.invalid', 'commit', '-q', '-m',
    'Inventory for the visual check: the real records and long-titled ones of the kinds it lacks');
  return dir;
}
