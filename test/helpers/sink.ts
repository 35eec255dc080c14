import { Writable } from 'node:stream';

/** A writable that keeps what is written to it, for a CLI command's stdout/stderr in tests. */
export function sink(): Writable & { text: string } {
  const out = new Writable({
    write(chunk, _enc, done) {
      out.text += String(chunk);
      done();
    },
  }) as Writable & { text: string };
  out.text = '';
  return out;
}
