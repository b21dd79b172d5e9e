import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * vitest's global setup: every temporary folder of a test run (fixtures,
 * built sites, git repositories, Chromium's profiles, the CLI's children's)
 * goes under one folder of its own, removed when the run ends. Tests make
 * hundreds of them and need not each clean up; left behind, they filled /tmp
 * with thousands per run. The workers and every process they start inherit
 * TMPDIR, which os.tmpdir() reads.
 */
export default function setup(): () => void {
  const root = mkdtempSync(path.join(tmpdir(), 'ops-hub-tests-'));
  process.env['TMPDIR'] = root;
  process.env['OPS_HUB_TEST_TMP'] = root;
  return () => rmSync(root, { recursive: true, force: true });
}
