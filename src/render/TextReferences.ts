/**
 * Numbered link references for the plain-text part: each distinct URL gets
 * the next number the first time it appears, and the list is printed at the
 * end of the email.
 */
export class TextReferences {
  readonly #numbers = new Map<string, number>();

  /** The number for `url`, assigning the next one on first sight. */
  number(url: string): number {
    let n = this.#numbers.get(url);
    if (n === undefined) {
      n = this.#numbers.size + 1;
      this.#numbers.set(url, n);
    }
    return n;
  }

  /** `[1] https://…` lines, in number order. */
  list(): string[] {
    return [...this.#numbers].map(([url, n]) => `[${n}] ${url}`);
  }
}
