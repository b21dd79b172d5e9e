/** The secrets one client knows (the key, the operator key, every token it was given), and their removal from text. */
export class Secrets {
  private readonly known = new Set<string>();

  add(secret: string | undefined): void {
    // Shorter strings would blank out ordinary words.
    if (secret && secret.length >= 4) this.known.add(secret);
  }

  scrub(text: string): string {
    let out = text;
    for (const secret of this.known) out = out.split(secret).join('[redacted]');
    return out;
  }
}
