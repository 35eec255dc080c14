/**
 * Every error a client or operator can see has a stable code, an HTTP status and
 * whether retrying can help. This catalog is the single place they are defined;
 * README's "Error codes" table is checked against it by a test.
 * (A leaf module: any context may import it.)
 */
export const ERROR_CATALOG = {
  INGEST_BAD_CONTENT_TYPE: { status: 415, retryable: false, description: 'Content-Type is not one the endpoint accepts.' },
  INGEST_BAD_ENCODING: { status: 415, retryable: false, description: 'Content-Encoding is not gzip, deflate, snappy (remote write) or identity.' },
  INGEST_BAD_COMPRESSION: { status: 400, retryable: false, description: 'The body could not be decompressed (corrupt gzip/deflate/snappy).' },
  INGEST_BODY_TOO_LARGE: { status: 413, retryable: false, description: 'The body, after decompression, exceeds limits.maxBodyBytes.' },
  INGEST_MALFORMED_PROTOBUF: { status: 400, retryable: false, description: 'The protobuf body does not decode as the expected message.' },
  INGEST_MALFORMED_JSON: { status: 400, retryable: false, description: 'The JSON body does not parse or does not have the expected shape.' },
  INGEST_INVALID_FIELD: { status: 400, retryable: false, description: 'A field has an invalid value (bad trace id, timestamp, enum, …); the message names it.' },
  INGEST_MISSING_FIELD: { status: 400, retryable: false, description: 'A required field is missing; the message names it.' },
  INGEST_EVENT_INVALID: { status: 400, retryable: false, description: 'An event of a documented type (CDEvents or Vigil\'s own) does not match its JSON Schema; the message names the event and field. Nothing in the request is stored.' },
  INGEST_TOO_MANY_ATTRIBUTES: { status: 400, retryable: false, description: 'An item carries more attributes than limits.maxAttributes.' },
  INGEST_STRING_TOO_LONG: { status: 400, retryable: false, description: 'A string value is longer than limits.maxStringBytes.' },
  INGEST_TOO_MANY_ITEMS: { status: 400, retryable: false, description: 'One request carries more records than limits.maxItemsPerRequest.' },
  INGEST_QUEUE_FULL: { status: 429, retryable: true, description: 'The ingest queue is full; retry after the Retry-After header.' },
  INGEST_UNAVAILABLE: { status: 503, retryable: true, description: 'The store did not accept the write; nothing was committed, retry.' },
  API_BAD_REQUEST: { status: 400, retryable: false, description: 'A query parameter or body field is invalid; the message names it.' },
  API_NOT_FOUND: { status: 404, retryable: false, description: 'The route or the requested object does not exist.' },
  API_METHOD_NOT_ALLOWED: { status: 405, retryable: false, description: 'The route exists but not for this HTTP method.' },
  INCIDENT_INVALID_TRANSITION: { status: 409, retryable: false, description: 'The incident cannot make this transition from its current status (e.g. acknowledging a resolved incident).' },
  INCIDENT_COMMAND_UNAVAILABLE: { status: 503, retryable: true, description: 'The api role could not hand the incident command (ack/resolve) to Kafka; it was not sent, retry.' },
  INCIDENTS_DISABLED: { status: 503, retryable: false, description: 'The incident engine is not running (incidents.enabled or detect.enabled is false); incidents can be read but not changed.' },
  AUTH_REQUIRED: { status: 401, retryable: false, description: 'No valid token: send Authorization: Bearer <token> (or X-Vigil-Token); unknown and revoked tokens are refused.' },
  AUTH_FORBIDDEN: { status: 403, retryable: false, description: 'The token holds no role the route needs (the message names it), or the route declares no role.' },
  SQL_INVALID: { status: 400, retryable: false, description: 'The SQL does not parse, names an unknown column or function, or a parameter does not match its type.' },
  SQL_FORBIDDEN: { status: 403, retryable: false, description: 'The sandbox refuses the statement: not a read, a table outside the allowlist, a table function or function that reaches outside, or a SETTINGS/FORMAT/INTO OUTFILE clause.' },
  SQL_TIMEOUT: { status: 422, retryable: false, description: 'The query ran past sql.maxExecutionSeconds.' },
  SQL_RESULT_TOO_LARGE: { status: 422, retryable: false, description: 'The result is past sql.maxResultRows or sql.maxResultBytes; aggregate or add a LIMIT.' },
  SQL_MEMORY_LIMIT: { status: 422, retryable: false, description: 'The query needed more than sql.maxMemoryBytes.' },
  DRILL_CONFLICT: { status: 409, retryable: true, description: 'The drill is not in a state that allows this (another drill is running, it is not running, or it has no report yet).' },
  DRILL_APPROVAL_REFUSED: { status: 403, retryable: false, description: 'A real-target drill approval was refused: the approver requested it, or it is outside the change window.' },
  CHATOPS_BAD_SIGNATURE: { status: 401, retryable: false, description: 'A ChatOps request without a valid Slack signature: X-Slack-Signature missing or not matching the body, or X-Slack-Request-Timestamp more than chatops.maxClockSkewSeconds away.' },
  CHATOPS_NOT_CONFIGURED: { status: 503, retryable: false, description: 'ChatOps is off: no chatops.slackSigningSecret is configured.' },
  STORE_UNAVAILABLE: { status: 503, retryable: true, description: 'The store could not be reached or failed the query.' },
  CONFIG_INVALID: { status: 500, retryable: false, description: 'Configuration failed validation at start-up; the message names the key.' },
  INTERNAL: { status: 500, retryable: false, description: 'An unexpected error; details are in the server log, never in the response.' },
} as const satisfies Record<string, { status: number; retryable: boolean; description: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export class VigilError extends Error {
  override name = 'VigilError';
  readonly status: number;
  readonly retryable: boolean;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.status = ERROR_CATALOG[code].status;
    this.retryable = ERROR_CATALOG[code].retryable;
  }

  toJSON(): { code: ErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}
