import { spawn } from 'node:child_process';
import { DiscoverInputError } from './input-error.ts';
import { safeText } from './safe-text.ts';
import { SNAPSHOT_RESOURCES } from './snapshot.ts';

/**
 * The one kubectl command discovery runs: a read-only `get` of the kinds it
 * reads, in every namespace, with the user's kubeconfig and the named context.
 * Secrets and ConfigMaps are never asked for.
 */
export function kubectlArgs(context: string, resources: readonly string[] = SNAPSHOT_RESOURCES): string[] {
  return ['get', resources.join(','), '-A', '-o', 'json', '--context', context];
}

export interface KubectlSnapshot {
  file: string;
  text: string;
  /** Resources the cluster does not serve (cert-manager or CloudNativePG not installed), left out of the get. */
  unserved: string[];
}

const UNSERVED = /the server doesn't have a resource type "([^"]+)"/g;

/**
 * Takes a snapshot with kubectl. A cluster without cert-manager or
 * CloudNativePG answers that it has no such resource type: the get is asked
 * again without it, and the report says so. kubectl's absence or any other
 * failure is bad input (exit 2), in kubectl's own words.
 */
export async function takeSnapshot(context: string): Promise<KubectlSnapshot> {
  if (context === '' || context.startsWith('-')) {
    throw new DiscoverInputError('kubectl-failed', `--kubectl-context: "${context}" is not a context name (see \`kubectl config get-contexts\`)`);
  }
  let resources: string[] = [...SNAPSHOT_RESOURCES];
  const unserved: string[] = [];
  for (;;) {
    const args = kubectlArgs(context, resources);
    const { code, stdout, stderr } = await run(args);
    if (code === 0) return { file: `kubectl --context ${context}`, text: stdout, unserved };
    const missing = [...stderr.matchAll(UNSERVED)].map((m) => m[1]!).flatMap((type) => resources.filter((r) => r === type || r.split('.')[0] === type));
    if (missing.length === 0 || missing.length === resources.length) {
      const said = stderr.trim().split('\n').slice(0, 5).map(safeText).join('\n');
      throw new DiscoverInputError('kubectl-failed', `discover: kubectl ${args.join(' ')} exited ${code}:\n${said}`);
    }
    unserved.push(...missing);
    resources = resources.filter((r) => !missing.includes(r));
  }
}

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('kubectl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'ENOENT'
          ? new DiscoverInputError('kubectl-missing', 'discover: kubectl is not on the PATH; install it (https://kubernetes.io/docs/tasks/tools/) or pass --snapshot FILE taken where it is')
          : e,
      ),
    );
    child.once('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}
