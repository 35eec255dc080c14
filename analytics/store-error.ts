import { VigilError } from '../api/errors.js';

/** Wraps an engine or transport failure as STORE_UNAVAILABLE, keeping only its first line. */
export function storeError(err: unknown): VigilError {
  if (err instanceof VigilError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new VigilError('STORE_UNAVAILABLE', `store: ${message.split('\n')[0]}`, { cause: err });
}

/**
 * ClickHouse error codes that say the data or statement itself is wrong, so sending it again
 * cannot succeed (codes from ClickHouse's src/Common/ErrorCodes.cpp). Anything else — the
 * server down, timeouts, memory or too many parts — may pass on a later try.
 */
const DATA_ERROR_CODES = new Set([
  6, // CANNOT_PARSE_TEXT
  16, // NO_SUCH_COLUMN_IN_TABLE
  25, // CANNOT_PARSE_ESCAPE_SEQUENCE
  26, // CANNOT_PARSE_QUOTED_STRING
  27, // CANNOT_PARSE_INPUT_ASSERTION_FAILED
  38, // CANNOT_PARSE_DATE
  41, // CANNOT_PARSE_DATETIME
  53, // TYPE_MISMATCH
  62, // SYNTAX_ERROR
  69, // ARGUMENT_OUT_OF_BOUND
  70, // CANNOT_CONVERT_TYPE
  72, // CANNOT_PARSE_NUMBER
  117, // INCORRECT_DATA
  130, // CANNOT_READ_ARRAY_FROM_TEXT
  131, // TOO_LARGE_STRING_SIZE
  349, // CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN
  691, // UNKNOWN_ELEMENT_OF_ENUM
]);

/**
 * Whether a store error is the store refusing the data for good (a parse or type error), as
 * opposed to a failure worth retrying. Reads the ClickHouse code from the error or its causes
 * (`@clickhouse/client`'s `code`, or `Code: N.` in an engine message).
 */
export function isPermanentStoreError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = clickHouseCode(e);
    if (code !== undefined) return DATA_ERROR_CODES.has(code);
  }
  return false;
}

function clickHouseCode(e: unknown): number | undefined {
  const own = (e as { code?: unknown }).code;
  if (typeof own === 'string' && /^\d+$/.test(own)) return Number(own);
  if (typeof own === 'number') return own;
  const m = e instanceof Error ? /Code: (\d+)\./.exec(e.message) : null;
  return m ? Number(m[1]) : undefined;
}
