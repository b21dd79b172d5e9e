import { InputError } from '../util/input-error.ts';

/** Discovery cannot start from what it was given (a snapshot, the cluster id, kubectl): the CLI exits 2. */
export class DiscoverInputError extends InputError<
  | 'snapshot-unreadable'
  | 'snapshot-not-json'
  | 'snapshot-not-a-list'
  | 'snapshot-invalid-object'
  | 'unknown-cluster'
  | 'kubectl-missing'
  | 'kubectl-failed'
> {}
