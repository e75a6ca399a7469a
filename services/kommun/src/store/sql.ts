/** Collects positional parameters while a statement is built. */
export class Params {
  readonly values: unknown[] = [];
  /** Adds a value and returns its placeholder ($n), with an optional cast. */
  add(value: unknown, cast = ''): string {
    this.values.push(value);
    return `$${this.values.length}${cast}`;
  }
}
