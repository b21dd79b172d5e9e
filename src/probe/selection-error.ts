import { InputError } from '../util/input-error.ts';

/** What was asked to be probed does not exist in this inventory (`--only`, `--gate-base`): the CLI exits 2. */
export class ProbeSelectionError extends InputError<'probe-unknown-id' | 'probe-not-probed-kind' | 'probe-no-bootstrap-gate'> {}
