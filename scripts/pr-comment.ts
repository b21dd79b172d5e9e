import { readFile } from 'node:fs/promises';
import { oneOf, parseCommandLine, positiveInteger, runCommand, UsageError } from '../src/cli/args.ts';
import { FORGES, ForgeError, type ForgeTarget } from '../src/forge/forge-api.ts';
import { upsertStickyComment } from '../src/forge/sticky-comment.ts';

const USAGE = `usage: npm run pr-comment -- --body-file FILE [--pr N] [--key KEY] [--forge github|gitea] [--api URL] [--repo OWNER/NAME]
  Posts FILE as the pull request's one sticky comment (KEY, default "diff"), editing it on later runs.
  environment: GITHUB_TOKEN (required); in Actions, GITHUB_EVENT_PATH, GITHUB_API_URL and GITHUB_REPOSITORY supply the defaults`;

const env = process.env;

async function prFromEvent(): Promise<number | undefined> {
  if (!env['GITHUB_EVENT_PATH']) return undefined;
  const event = JSON.parse(await readFile(env['GITHUB_EVENT_PATH'], 'utf8')) as { pull_request?: { number?: unknown } };
  return typeof event.pull_request?.number === 'number' ? event.pull_request.number : undefined;
}

await runCommand(async () => {
  const args = parseCommandLine(
    process.argv.slice(2),
    {
      'body-file': { type: 'string' },
      pr: { type: 'string' },
      key: { type: 'string', default: 'diff' },
      forge: { type: 'string' },
      api: { type: 'string' },
      repo: { type: 'string' },
    },
    USAGE,
  );
  if (!args['body-file']) throw new UsageError(`--body-file is required\n${USAGE}`);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(args.key)) throw new UsageError(`--key must be a lowercase slug (got "${args.key}")`);
  const forge = oneOf('forge', args.forge, FORGES, env['GITEA_ACTIONS'] === 'true' ? 'gitea' : 'github');
  const pr = positiveInteger('pr', args.pr) ?? (await prFromEvent());
  if (pr === undefined) throw new UsageError(`--pr is required outside a pull_request workflow\n${USAGE}`);
  const api = args.api ?? env['GITHUB_API_URL'] ?? (forge === 'github' ? 'https://api.github.com' : undefined);
  if (!api) throw new UsageError(`--api is required (for Gitea: https://<host>/api/v1)\n${USAGE}`);
  const repo = args.repo ?? env['GITHUB_REPOSITORY'];
  if (!repo || !/^[\w.-]+\/[\w.-]+$/.test(repo)) throw new UsageError(`--repo must be OWNER/NAME (got "${repo ?? ''}")\n${USAGE}`);
  const token = env['GITHUB_TOKEN'];
  if (!token) throw new UsageError(`GITHUB_TOKEN is not set: give the step the workflow token (env: GITHUB_TOKEN: \${{ secrets.GITHUB_TOKEN }})`);

  let body: string;
  try {
    body = await readFile(args['body-file'], 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read --body-file ${args['body-file']}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const target: ForgeTarget = { forge, api, repo, token };
  try {
    const result = await upsertStickyComment(target, pr, args.key, body);
    process.stdout.write(`pr-comment: ${result.action} comment ${result.id} on ${repo}#${pr}${result.url ? ` ${result.url}` : ''}\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof ForgeError)) throw err;
    process.stderr.write(`pr-comment: ${err.message}\n`);
    return 1;
  }
});
