/**
 * Bad input to a domain — an unknown id, a setting that is not a URL, a
 * missing variable — as opposed to a failure of the world. Each domain
 * declares its own subclass with its stable codes, e.g.
 * `class ProbeSelectionError extends InputError<'probe-unknown-id' | …> {}`;
 * the CLI prints the message and exits 2, as for a usage error, so domains
 * never import the CLI.
 */
export abstract class InputError<Code extends string = string> extends Error {
  readonly code: Code;

  constructor(code: Code, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}
