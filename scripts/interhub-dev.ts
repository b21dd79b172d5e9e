import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseCommandLine, runCommand, UsageError } from '../src/cli/args.ts';
import type { RenamedField } from '../src/interhub/dev/deployment.ts';
import { InterHubDevServer, NO_FAULTS, type DevDeployment, type DevServerFaults } from '../src/interhub/dev/server.ts';
import type { Method } from '../src/interhub/wire/operations.ts';
import { ROUTES, routeOfPath, type RouteName } from '../src/interhub/wire/routes.ts';
import { manifestSchema, MANIFEST_FILE } from '../src/model/vocabulary.ts';

const USAGE = `usage: npm run interhub:dev -- [--port N] [--host 127.0.0.1] [--data FILE] [--gate open|closed] [--seed-hub]
  faults: [--latency-ms N] [--rate-limit-every N] [--retry-after S] [--fail-every N]
          [--drop-after-commit-every N] [--token-ttl-ms N] [--token-uses N] [--shift-pages-by N] [--route-status PATH=STATUS,…]
  deployment: [--needs-token PATH,…] [--without [METHOD ]PATH,…] [--rename-field 'METHOD PATH FROM=TO',…] [--extra-fields]
              (PATH as in the API, e.g. /policy-scopes; a METHOD drops that method only, e.g. 'POST /annotations')
  keys from the environment: IHUB_OPERATOR_KEY (bootstrap routes), OPS_HUB_KEY (with --seed-hub)`;

type CountFault = { [K in keyof DevServerFaults]: DevServerFaults[K] extends number ? K : never }[keyof DevServerFaults];

const FAULT_FLAGS: Record<string, CountFault> = {
  'latency-ms': 'latencyMs',
  'rate-limit-every': 'rateLimitEvery',
  'retry-after': 'retryAfterS',
  'fail-every': 'failEvery',
  'drop-after-commit-every': 'dropAfterCommitEvery',
  'token-ttl-ms': 'tokenTtlMs',
  'token-uses': 'tokenUses',
  'shift-pages-by': 'shiftPagesBy',
};

function wholeNumber(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${flag} must be a whole number ≥ 0 (got "${value}")\n${USAGE}`);
  return n;
}

/** `/policy-scopes,/widget-types` → route names; an unknown path is a usage error naming the known ones. */
function routeList(flag: string, value: string): RouteName[] {
  return value.split(',').map((p) => {
    const route = routeOfPath(p.trim());
    if (!route) throw new UsageError(`--${flag}: "${p}" is not a route of the dev server (one of ${Object.values(ROUTES).join(', ')})`);
    return route;
  });
}

const METHODS: readonly Method[] = ['GET', 'POST'];

/** `POST /annotations` → that method of the route; an unknown method or path is a usage error. */
function operation(flag: string, value: string): { method: Method; route: RouteName } {
  const [method = '', p = ''] = value.trim().split(/\s+/);
  if (!METHODS.includes(method as Method)) throw new UsageError(`--${flag}: "${value}" must start with one of ${METHODS.join(', ')}`);
  return { method: method as Method, route: routeList(flag, p)[0]! };
}

/** `/policy-scopes,POST /annotations` → whole routes and single methods this deployment lacks. */
function absent(value: string): Partial<DevDeployment> {
  const entries = value.split(',').map((e) => e.trim());
  const routes = entries.filter((e) => !e.includes(' ')).flatMap((e) => routeList('without', e));
  const operations = entries.filter((e) => e.includes(' ')).map((e) => operation('without', e));
  return { ...(routes.length ? { absentRoutes: routes } : {}), ...(operations.length ? { absentOperations: operations } : {}) };
}

/** `POST /widgets widgetType=type` → the field this deployment names otherwise. */
function renamedFields(value: string): RenamedField[] {
  return value.split(',').map((entry) => {
    const found = /^\s*(\S+\s+\S+)\s+([^=\s]+)=([^=\s]+)\s*$/.exec(entry);
    if (!found) throw new UsageError(`--rename-field: "${entry}" is not 'METHOD PATH FROM=TO' (e.g. 'POST /widgets widgetType=type')\n${USAGE}`);
    return { ...operation('rename-field', found[1]!), from: found[2]!, to: found[3]! };
  });
}

/** `/widgets=404,/event-types=503` → the status each route answers. */
function routeStatus(value: string): Partial<Record<RouteName, number>> {
  return Object.fromEntries(
    value.split(',').map((pair) => {
      const [p = '', status = ''] = pair.split('=');
      const n = Number(status);
      if (!Number.isInteger(n) || n < 100 || n > 599) throw new UsageError(`--route-status: "${pair}" is not PATH=STATUS with an HTTP status\n${USAGE}`);
      return [routeList('route-status', p)[0]!, n];
    }),
  );
}

await runCommand(async () => {
  const args = parseCommandLine(
    process.argv.slice(2),
    {
      port: { type: 'string', default: '8787' },
      host: { type: 'string', default: '127.0.0.1' },
      data: { type: 'string' },
      gate: { type: 'string', default: 'open' },
      'seed-hub': { type: 'boolean', default: false },
      'route-status': { type: 'string' },
      'needs-token': { type: 'string' },
      without: { type: 'string' },
      'rename-field': { type: 'string' },
      'extra-fields': { type: 'boolean', default: false },
      ...Object.fromEntries(Object.keys(FAULT_FLAGS).map((f) => [f, { type: 'string' as const }])),
    },
    USAGE,
  );
  if (args.gate !== 'open' && args.gate !== 'closed') throw new UsageError(`--gate must be open or closed\n${USAGE}`);
  const faults: Partial<DevServerFaults> = {};
  for (const [flag, key] of Object.entries(FAULT_FLAGS)) {
    const value = (args as Record<string, unknown>)[flag];
    if (typeof value === 'string') faults[key] = wholeNumber(flag, value);
  }
  if (args['route-status']) faults.routeStatus = routeStatus(args['route-status']);
  const deployment: Partial<DevDeployment> = {
    ...(args['needs-token'] ? { tokenRoutes: routeList('needs-token', args['needs-token']) } : {}),
    ...(args.without ? absent(args.without) : {}),
    ...(args['rename-field'] ? { renamedFields: renamedFields(args['rename-field']) } : {}),
    ...(args['extra-fields'] ? { extraFields: true } : {}),
  };
  const operatorKey = process.env['IHUB_OPERATOR_KEY'];
  const server = await InterHubDevServer.start({
    port: wholeNumber('port', args.port),
    host: args.host,
    gateOpen: args.gate === 'open',
    faults,
    deployment,
    ...(args.data ? { dataFile: path.resolve(args.data) } : {}),
    ...(operatorKey ? { operatorKey } : {}),
  });

  process.stdout.write(`Inter-Hub dev server on ${server.url} (bootstrap gate ${args.gate}${args.data ? `, state in ${args.data}` : ', in memory'})\n`);
  const active = Object.entries(faults).filter(([k, v]) => v !== NO_FAULTS[k as keyof DevServerFaults]);
  const shown = (v: unknown) => (typeof v === 'object' ? JSON.stringify(v) : String(v));
  if (active.length > 0) process.stdout.write(`faults: ${active.map(([k, v]) => `${k}=${shown(v)}`).join(', ')}\n`);
  if (Object.keys(deployment).length > 0) process.stdout.write(`deployment: ${Object.entries(deployment).map(([k, v]) => `${k}=${shown(v)}`).join(', ')}\n`);
  if (args['seed-hub']) {
    const key = process.env['OPS_HUB_KEY'];
    if (!key) throw new UsageError('--seed-hub needs OPS_HUB_KEY in the environment: the key the seeded API consumer accepts');
    const manifest = manifestSchema.parse(JSON.parse(await readFile(MANIFEST_FILE, 'utf8')));
    const { hub, ...rest } = manifest;
    const seeded = server.seedHub({ hub, manifest: rest, key });
    process.stdout.write(`seeded hub ${hub.slug} (${seeded.hubId}) with an active manifest; rehearse with:\n`);
    process.stdout.write(`  export IHUB_BASE=${server.url} IHUB_CLIENT_ID=${seeded.consumerId}   # OPS_HUB_KEY as set\n`);
  }
  process.stdout.write('Ctrl-C stops it.\n');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  return 0;
});
