import { InputError } from '../util/input-error.ts';

export type ProbeSelectionCode = 'probe-unknown-id' | 'probe-not-probed-kind' | 'probe-no-bootstrap-gate';

/** What was asked to be probed does not exist in this inventory (`--only`, `--gate-base`): the CLI exits 2. */
export class ProbeSelectionError extends InputError {
  readonly code: ProbeSelectionCode;
  /** The id asked for, when the problem is an id. */
  readonly id: string | undefined;

  constructor(code: ProbeSelectionCode, message: string, id?: string) {
    super(message);
    this.name = 'ProbeSelectionError';
    this.code = code;
    this.id = id;
  }
}
