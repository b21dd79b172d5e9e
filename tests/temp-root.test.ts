import { execFileSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

describe("a test run's temporary folders", () => {
  it('sit under the one folder the run removes when it ends, in the tests and in the processes they start', async () => {
    const root = process.env['OPS_HUB_TEST_TMP'];
    expect(root, 'the global setup (tests/helpers/temp-root.ts) ran').toBeTruthy();
    const inside = (p: string) => !path.relative(root!, p).startsWith('..');
    expect(inside(await mkdtemp(path.join(tmpdir(), 'ops-hub-probe-')))).toBe(true);
    const childTmp = execFileSync(process.execPath, ['-p', 'require("node:os").tmpdir()'], { encoding: 'utf8' }).trim();
    expect(inside(childTmp), childTmp).toBe(true);
  });
});
