import { seededNoise } from './metrics-json.js';

/**
 * A compact synthetic shop for end-to-end tests: OTLP/JSON traces of six services and two
 * uninstrumented peers, about `requestsPerMinute` checkouts and product views per minute of
 * event time, with a fault switch.
 *
 *   frontend → checkout → payments        checkout → postgresql/shop (db client span)
 *            │          → inventory       catalog  → redis          (db client span)
 *            │          → shipping
 *            → catalog
 *
 * A fault at `payments` makes a share of its requests fail (and slow), and the failure
 * propagates up the calls: checkout's charge client span and server span, frontend's too.
 */
export const SHOP_SERVICES = ['frontend', 'checkout', 'payments', 'inventory', 'shipping', 'catalog'] as const;

export interface ShopMinute {
  minuteMs: number;
  /** Share of payment requests failing in this minute (0 = healthy). */
  paymentsFailure: number;
  paymentsVersion: string;
}

const str = (value: string) => ({ stringValue: value });

export class ShopTraces {
  private ids = 0;
  private readonly noise: () => number;

  constructor(
    private readonly requestsPerMinute = 12,
    seed = 11,
  ) {
    this.noise = seededNoise(seed);
  }

  /**
   * One OTLP/JSON ExportTraceServiceRequest with every span of these minutes, or of the
   * requests that start in [fromMs, toMs) of them (a minute sent in slices, as it happens).
   */
  body(minutes: ShopMinute[], slice?: { fromMs: number; toMs: number }): string {
    const byService = new Map<string, { version: string; spans: unknown[] }>();
    const add = (service: string, version: string, s: unknown) => {
      const key = `${service}\n${version}`;
      const entry = byService.get(key) ?? { version, spans: [] };
      entry.spans.push(s);
      byService.set(key, entry);
    };
    for (const m of minutes) {
      // Traffic varies from minute to minute, as real traffic does (the same for every slice of a minute).
      const requests = Math.max(4, this.requestsPerMinute - 2 + (Math.floor(m.minuteMs / 60_000) * 7919) % 5);
      for (let i = 0; i < requests; i++) {
        const at = m.minuteMs + Math.floor((i * 60_000) / requests);
        if (slice && (at < slice.fromMs || at >= slice.toMs)) continue;
        const fail = i < Math.round(m.paymentsFailure * requests);
        this.checkout(at, fail, m.paymentsVersion, add);
        this.product(at + 500, add);
      }
    }
    const resourceSpans = [...byService.entries()].map(([key, { version, spans }]) => ({
      resource: { attributes: [{ key: 'service.name', value: str(key.split('\n')[0]) }, { key: 'service.version', value: str(version) }] },
      scopeSpans: [{ scope: { name: 'shop' }, spans }],
    }));
    return JSON.stringify({ resourceSpans });
  }

  private checkout(at: number, fail: boolean, paymentsVersion: string, add: (service: string, version: string, s: unknown) => void): void {
    const trace = this.hex(32);
    const ms = (base: number) => base + this.noise() * base * 0.1;
    const payMs = fail ? ms(300) : ms(20);
    const fe = this.hex(16), feClient = this.hex(16), co = this.hex(16), charge = this.hex(16), pay = this.hex(16);
    const stock = this.hex(16), inv = this.hex(16), ship = this.hex(16), shipSrv = this.hex(16), db = this.hex(16);
    add('frontend', '1.0.0', this.span(trace, fe, '', 'GET /checkout', 2, at, payMs + 80, fail));
    add('frontend', '1.0.0', this.span(trace, feClient, fe, 'POST /checkout', 3, at + 1, payMs + 70, fail, { 'server.address': 'checkout' }));
    add('checkout', '3.1.0', this.span(trace, co, feClient, 'POST /checkout', 2, at + 2, payMs + 60, fail));
    add('checkout', '3.1.0', this.span(trace, charge, co, 'charge', 3, at + 3, payMs + 2, fail, { 'server.address': 'payments' }));
    add('payments', paymentsVersion, this.span(trace, pay, charge, 'POST /charge', 2, at + 4, payMs, fail, { 'http.route': '/charge', 'http.response.status_code': fail ? '503' : '200' }));
    add('checkout', '3.1.0', this.span(trace, db, co, 'SELECT orders', 3, at + 5, ms(4), false, { 'db.system': 'postgresql', 'db.namespace': 'shop' }));
    add('checkout', '3.1.0', this.span(trace, stock, co, 'GET /stock', 3, at + 6, ms(12), false));
    add('inventory', '1.2.0', this.span(trace, inv, stock, 'GET /stock', 2, at + 7, ms(10), false));
    add('checkout', '3.1.0', this.span(trace, ship, co, 'POST /ship', 3, at + 8, ms(15), false));
    add('shipping', '0.9.0', this.span(trace, shipSrv, ship, 'POST /ship', 2, at + 9, ms(13), false));
  }

  private product(at: number, add: (service: string, version: string, s: unknown) => void): void {
    const trace = this.hex(32);
    const fe = this.hex(16), feClient = this.hex(16), cat = this.hex(16), cache = this.hex(16);
    add('frontend', '1.0.0', this.span(trace, fe, '', 'GET /product', 2, at, 30 + this.noise() * 3, false));
    add('frontend', '1.0.0', this.span(trace, feClient, fe, 'GET /product', 3, at + 1, 25 + this.noise() * 3, false));
    add('catalog', '5.0.0', this.span(trace, cat, feClient, 'GET /product', 2, at + 2, 20 + this.noise() * 2, false));
    add('catalog', '5.0.0', this.span(trace, cache, cat, 'GET product', 3, at + 3, 1 + this.noise() * 0.1, false, { 'db.system': 'redis' }));
  }

  private span(traceId: string, spanId: string, parentSpanId: string, name: string, kind: number, atMs: number, durationMs: number, error: boolean, attributes: Record<string, string> = {}) {
    const start = BigInt(Math.floor(atMs)) * 1_000_000n;
    return {
      traceId,
      spanId,
      parentSpanId,
      name,
      kind,
      startTimeUnixNano: String(start),
      endTimeUnixNano: String(start + BigInt(Math.round(durationMs * 1e6))),
      attributes: Object.entries(attributes).map(([key, value]) => ({ key, value: str(value) })),
      status: error ? { code: 2, message: 'payment declined: upstream 503' } : { code: 1 },
    };
  }

  private hex(width: number): string {
    return (++this.ids).toString(16).padStart(width, '0');
  }
}
