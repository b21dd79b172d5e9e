import type { ContractFields, ContractRow } from '../output/contract-report.ts';
import { declaredOperation, type OpenApiDocument } from './wire/openapi.ts';
import { OPERATIONS, requestFields, type WireOperation } from './wire/operations.ts';
import { API_ROOT, ROUTES } from './wire/routes.ts';

/**
 * The contract check (HF-WP-0001: the OpenAPI is public and live): every
 * request ops-hub makes against what a deployment's OpenAPI document says —
 * the route and method are listed, each field the document marks required
 * is one ops-hub always sends, and each field it sends is declared. Pure.
 */

const WITHOUT: Partial<Record<WireOperation['use'], string>> = {
  optional: 'not listed: the run does without it',
  bootstrap: 'not listed: the bootstrap gate is closed here (npm run probe:gate)',
};

function bodyProblems(ours: ContractFields, theirs: ContractFields): string[] {
  const problems: string[] = [];
  for (const field of theirs.required) {
    if (!ours.required.includes(field)) problems.push(`they require "${field}", which we ${ours.properties.includes(field) ? 'do not always send' : 'do not send'}`);
  }
  // A schema that names no property declares nothing to compare with.
  if (theirs.properties.length > 0) {
    for (const field of ours.properties) if (!theirs.properties.includes(field)) problems.push(`we send "${field}", which they do not declare`);
  }
  return problems;
}

export function compareContract(doc: OpenApiDocument, operations: readonly WireOperation[] = OPERATIONS): ContractRow[] {
  return operations.map((op): ContractRow => {
    const sends = op.body ? requestFields(op.body.schema) : undefined;
    const row = { method: op.method, route: `${API_ROOT}${ROUTES[op.route]}`, use: op.use, ...(sends ? { sends } : {}) };
    const declared = declaredOperation(doc, op.route, op.method, op.body?.contentType);
    if (!declared.listed) {
      const harmless = WITHOUT[op.use];
      return { ...row, verdict: harmless ? 'absent' : 'differs', problems: [harmless ?? `${op.method} ${ROUTES[op.route]} is not listed`] };
    }
    if (!sends || !declared.request) return { ...row, verdict: 'agrees', problems: [] };
    const problems = bodyProblems(sends, declared.request);
    return { ...row, declares: declared.request, verdict: problems.length > 0 ? 'differs' : 'agrees', problems };
  });
}
