/**
 * The token a request carries: `Authorization: Bearer <token>` (what OTLP exporters send with
 * `OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer …"` and Prometheus with `authorization:`),
 * `X-Vigil-Token: <token>`, or the password of `Authorization: Basic` (any user name).
 */
export function tokenFromHeaders(headers: Record<string, string | string[] | undefined>): string | undefined {
  const first = (name: string) => {
    const value = headers[name];
    return (Array.isArray(value) ? value[0] : value)?.trim() || undefined;
  };
  const authorization = first('authorization');
  if (authorization) {
    const bearer = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (bearer) return bearer[1];
    const basic = /^Basic\s+(\S+)$/i.exec(authorization);
    if (basic) {
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      return colon >= 0 && colon < decoded.length - 1 ? decoded.slice(colon + 1) : undefined;
    }
  }
  return first('x-vigil-token');
}
