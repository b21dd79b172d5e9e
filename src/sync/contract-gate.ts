import { InterHubClient, type ClientOptions, type Credentials } from '../interhub/client.ts';
import { compareContract } from '../interhub/contract.ts';
import { CancelledError, InterHubError } from '../interhub/errors.ts';
import { openApiDocumentSchema } from '../interhub/wire/openapi.ts';
import { routeLabel, routePath } from '../interhub/wire/routes.ts';
import type { ContractCheck } from '../output/contract-report.ts';
import type { SyncPlan } from './plan.ts';

/**
 * The live OpenAPI document against what the sync sends, before anything is
 * written. A document that cannot be read (older deployments) is a warning;
 * a route the apply is about to write that disagrees refuses the apply.
 */

/** The apply would write to a route the live OpenAPI disagrees with: refused before its first write. */
export class ContractRefusedError extends Error {
  readonly code = 'contract-differs';
  readonly route: string;

  constructor(route: string, message: string) {
    super(message);
    this.name = 'ContractRefusedError';
    this.route = route;
  }
}

/** Never throws for a document it cannot read, only when the run stops. */
export async function checkContract(client: InterHubClient): Promise<ContractCheck> {
  const path = routePath('openapi');
  try {
    const doc = await client.get(path, openApiDocumentSchema, 'public');
    const operations = compareContract(doc);
    return { base: client.base, verdict: operations.some((o) => o.verdict === 'differs') ? 'differs' : 'agrees', operations };
  } catch (err) {
    if (err instanceof CancelledError || !(err instanceof InterHubError)) throw err;
    const said = err.message.startsWith(routeLabel('GET', path)) ? err.message : `${routeLabel('GET', path)}: ${err.message}`;
    return { base: client.base, verdict: 'unreadable', reason: `${said}; the contract was not checked` };
  }
}

/** `--check-contract`: the comparison alone, with the token when there are credentials (some deployments protect the document). */
export async function contractOf(base: string, credentials: Credentials | undefined, client: Partial<ClientOptions> = {}): Promise<ContractCheck> {
  const c = new InterHubClient({ ...client, base, ...(credentials ? { credentials } : {}) });
  try {
    return await checkContract(c);
  } finally {
    await c.close();
  }
}

/** The write routes an apply of this plan sends to. */
function writesOf(plan: SyncPlan): string[] {
  return [
    ...(plan.widgets.some((w) => w.action === 'create') ? [routePath('widgets')] : []),
    ...(plan.events.some((e) => e.action === 'post') ? [routePath('interactionEvents')] : []),
    ...(plan.annotations.some((a) => a.action === 'post') ? [routePath('annotations')] : []),
  ];
}

export function refuseDisagreeingWrites(check: ContractCheck, plan: SyncPlan): void {
  if (check.verdict !== 'differs') return;
  const writes = new Set(writesOf(plan));
  const differing = check.operations.filter((o) => o.method === 'POST' && o.verdict === 'differs' && writes.has(o.route));
  if (differing.length === 0) return;
  const first = differing[0]!;
  const all = differing.map((o) => `POST ${o.route}: ${o.problems.join('; ')}`).join(' | ');
  throw new ContractRefusedError(
    `POST ${first.route}`,
    `refused before any write: the live OpenAPI disagrees with what the sync would send — ${all}. Adapt src/interhub/wire/ to the deployment (docs/interhub-contract.md), or point IHUB_BASE at the hub you meant`,
  );
}
