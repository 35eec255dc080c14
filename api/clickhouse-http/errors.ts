/**
 * Errors in the shape ClickHouse's HTTP interface sends them, which its clients parse:
 * a non-2xx status, `X-ClickHouse-Exception-Code`, and a text body
 * `Code: N. DB::Exception: <message>. (<NAME>) (version …)`.
 */
export class ClickHouseHttpError extends Error {
  override name = 'ClickHouseHttpError';
  constructor(
    readonly code: number,
    readonly type: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }

  body(version: string): string {
    return `Code: ${this.code}. DB::Exception: ${this.message}. (${this.type}) (version ${version})\n`;
  }
}

// Codes and names from ClickHouse's src/Common/ErrorCodes.cpp.
export const authenticationFailed = (message: string) => new ClickHouseHttpError(516, 'AUTHENTICATION_FAILED', message, 401);
export const badArguments = (message: string) => new ClickHouseHttpError(36, 'BAD_ARGUMENTS', message, 400);
export const unknownDatabase = (message: string) => new ClickHouseHttpError(81, 'UNKNOWN_DATABASE', message, 404);
export const unknownFormat = (message: string) => new ClickHouseHttpError(73, 'UNKNOWN_FORMAT', message, 400);
export const readonlyMode = (message: string) => new ClickHouseHttpError(164, 'READONLY', message, 403);
export const accessDenied = (message: string) => new ClickHouseHttpError(497, 'ACCESS_DENIED', message, 403);

/** HTTP status ClickHouse answers for an engine error code (HTTPHandler's exceptionCodeToHTTPStatus, abridged). */
function statusOf(code: number): number {
  switch (code) {
    case 516: case 192: case 193: case 194: case 195:
      return 401;
    case 164: case 497:
      return 403;
    case 60: case 81: case 46:
      return 404;
    case 62: case 26: case 27: case 36: case 38: case 47: case 53: case 72: case 73: case 117: case 456: case 457:
      return 400;
    case 159:
      return 504;
    default:
      return 500;
  }
}

/** An engine failure (chDB's message is already ClickHouse's `Code: N. DB::Exception: … (NAME)`) as a ClickHouseHttpError. */
export function fromEngineError(err: unknown): ClickHouseHttpError {
  if (err instanceof ClickHouseHttpError) return err;
  const cause = (err as { cause?: unknown })?.cause ?? err;
  const text = cause instanceof Error ? cause.message : String(cause);
  const m = /Code: (\d+)\. DB::Exception: ([\s\S]*?)\.? \(((?=[A-Z0-9_]*[A-Z]{3})[A-Z0-9_]+)\)(?: \(version [^)]*\))?\s*$/.exec(text);
  if (m) return new ClickHouseHttpError(Number(m[1]), m[3], m[2], statusOf(Number(m[1])));
  return new ClickHouseHttpError(1001, 'STD_EXCEPTION', text.split('\n')[0], 500);
}

/** The sandbox's refusals and limits in ClickHouse's words (its engine errors keep their own code). */
export function fromSandboxError(err: unknown): ClickHouseHttpError {
  const vigil = err as { code?: string; message?: string; cause?: unknown };
  const message = vigil.message ?? String(err);
  switch (vigil.code) {
    case 'SQL_FORBIDDEN':
      return accessDenied(message);
    case 'SQL_TIMEOUT':
      return new ClickHouseHttpError(159, 'TIMEOUT_EXCEEDED', message, 400);
    case 'SQL_RESULT_TOO_LARGE':
      return new ClickHouseHttpError(396, 'TOO_MANY_ROWS_OR_BYTES', message, 400);
    case 'SQL_MEMORY_LIMIT':
      return new ClickHouseHttpError(241, 'MEMORY_LIMIT_EXCEEDED', message, 400);
    case 'SQL_INVALID': {
      const engine = fromEngineError(vigil.cause ?? err);
      return engine.code === 1001 ? badArguments(message) : new ClickHouseHttpError(engine.code, engine.type, message, engine.status);
    }
    default:
      return fromEngineError(vigil.cause ?? err);
  }
}
