/**
 * A terminal progress bar for long CLI work. On a TTY it redraws one line;
 * elsewhere (CI logs, pipes) it prints a line at most every 10%.
 */
export class ProgressBar {
  private done = 0;
  private lastDecile = -1;
  private readonly startedMs = Date.now();

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly out: NodeJS.WritableStream = process.stderr,
  ) {}

  tick(by = 1): void {
    this.done = Math.min(this.total, this.done + by);
    this.render();
  }

  finish(): void {
    this.done = this.total;
    this.render();
    if (isTty(this.out)) this.out.write('\n');
  }

  private render(): void {
    const fraction = this.total === 0 ? 1 : this.done / this.total;
    const elapsedS = (Date.now() - this.startedMs) / 1000;
    if (isTty(this.out)) {
      const width = 30;
      const filled = Math.round(fraction * width);
      const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
      this.out.write(`\r${this.label} ${bar} ${(fraction * 100).toFixed(0).padStart(3)}% ${this.done}/${this.total} ${elapsedS.toFixed(1)}s`);
      return;
    }
    const decile = Math.floor(fraction * 10);
    if (decile !== this.lastDecile) {
      this.lastDecile = decile;
      this.out.write(`${this.label} ${(fraction * 100).toFixed(0)}% (${this.done}/${this.total}) ${elapsedS.toFixed(1)}s\n`);
    }
  }
}

function isTty(out: NodeJS.WritableStream): boolean {
  return Boolean((out as NodeJS.WriteStream).isTTY);
}
