import zlib from 'node:zlib';
import { VigilError } from '../../api/errors.js';
import { snappyUncompress } from './snappy.js';

/**
 * Undoes Content-Encoding with a hard bound on the output: a decompression bomb
 * is refused (INGEST_BODY_TOO_LARGE) as soon as its output passes maxBytes, not
 * after it has been inflated.
 *
 * Synchronous on purpose: the body is already in memory, zlib's sync API stops
 * inflating as soon as its running output count passes `maxOutputLength`, so
 * the work is bounded by maxBytes (tens of milliseconds for the 16 MiB default) and a
 * request costs no thread-pool round trip — the common agent batch is well under
 * a megabyte and inflates in well under a millisecond.
 */
export function decompress(body: Buffer, encoding: string | undefined, maxBytes: number): Buffer {
  const name = (encoding ?? '').trim().toLowerCase();
  switch (name) {
    case '':
    case 'identity':
      if (body.length > maxBytes) throw tooLarge(body.length, maxBytes);
      return body;
    case 'gzip':
    case 'x-gzip':
      return inflate(body, maxBytes, 'gzip');
    case 'deflate':
      return inflate(body, maxBytes, hasZlibHeader(body) ? 'deflate' : 'deflate-raw');
    case 'snappy':
      return snappyUncompress(body, maxBytes);
    default:
      throw new VigilError(
        'INGEST_BAD_ENCODING',
        `Content-Encoding "${encoding}" is not supported (gzip, deflate, snappy, identity)`,
      );
  }
}

/**
 * HTTP "deflate" means zlib-wrapped (RFC 9110 §8.4.1.2), but some clients send
 * raw deflate; like browsers, accept both by looking for the 2-byte zlib header
 * (CM = 8, FCHECK makes the 16-bit header a multiple of 31, RFC 1950).
 */
function hasZlibHeader(body: Buffer): boolean {
  return body.length >= 2 && (body[0] & 0x0f) === 8 && ((body[0] << 8) | body[1]) % 31 === 0;
}

function inflate(body: Buffer, maxBytes: number, kind: 'gzip' | 'deflate' | 'deflate-raw'): Buffer {
  // maxOutputLength must be at least 1; a zero bound still refuses any output.
  const options = { maxOutputLength: Math.max(1, maxBytes) };
  let out: Buffer;
  try {
    out =
      kind === 'gzip'
        ? zlib.gunzipSync(body, options)
        : kind === 'deflate'
          ? zlib.inflateSync(body, options)
          : zlib.inflateRawSync(body, options);
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(undefined, maxBytes);
    throw new VigilError('INGEST_BAD_COMPRESSION', `${kind} body could not be decompressed: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (out.length > maxBytes) throw tooLarge(out.length, maxBytes);
  return out;
}

function tooLarge(bytes: number | undefined, maxBytes: number): VigilError {
  const size = bytes === undefined ? '' : ` (${bytes} bytes)`;
  return new VigilError(
    'INGEST_BODY_TOO_LARGE',
    `body${size} exceeds limits.maxBodyBytes (${maxBytes}) after decompression`,
  );
}
