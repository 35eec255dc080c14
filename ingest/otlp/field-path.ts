/**
 * Where a decoder is inside a request, kept as a stack of (field, index) that
 * loops update in place, so naming the offending item in an error costs nothing
 * until an error is actually raised.
 */
export class FieldPath {
  private readonly names: string[] = [];
  private readonly indexes: number[] = [];
  private depth = 0;

  /** Steps into `name` (a repeated field when followed by `at`). */
  enter(name: string): void {
    this.names[this.depth] = name;
    this.indexes[this.depth] = -1;
    this.depth++;
  }

  /** Sets the index of the innermost repeated field. */
  at(index: number): void {
    this.indexes[this.depth - 1] = index;
  }

  leave(): void {
    this.depth--;
  }

  /** `resourceLogs[0].scopeLogs[1].logRecords[3]` + `.leaf` when given. */
  describe(leaf?: string): string {
    let out = '';
    for (let i = 0; i < this.depth; i++) {
      if (i > 0) out += '.';
      out += this.names[i];
      if (this.indexes[i] >= 0) out += `[${this.indexes[i]}]`;
    }
    if (leaf !== undefined) out += out === '' || leaf.startsWith('[') ? leaf : `.${leaf}`;
    return out === '' ? '(request)' : out;
  }
}
