import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { commandFile } from '../../scripts/bench/harness.ts';
import { REPO_ROOT } from './fixture.ts';

export { commandFile };

const run = promisify(execFile);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command the way `npm run` does: what scripts/run.sh starts, under the pinned Node. */
export async function cli(script: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [commandFile(script.replace(/\.ts$/, '')), ...args], {
      cwd: options.cwd ?? REPO_ROOT,
      env: options.env ?? process.env,
      maxBuffer: 1 << 26,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
