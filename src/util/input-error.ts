/**
 * Bad input to a domain — an unknown id, a setting that is not a URL, a
 * missing variable — as opposed to a failure of the world. Each domain throws
 * its own subclass with a stable `code` (the data is in the error, the wording
 * for people in its message); the CLI prints the message and exits 2, as for a
 * usage error, so domains never import the CLI.
 */
export abstract class InputError extends Error {
  abstract readonly code: string;
}
