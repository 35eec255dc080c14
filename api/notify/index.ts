/**
 * Paging: the notifier (incident transitions → PagerDuty, Opsgenie, Slack, Alertmanager,
 * signed webhooks), plus the egress and retry helpers every outbound call to a
 * user-configured URL goes through.
 */
export { createNotifier, type Notifier, type NotifierDeps } from './notifier.js';
export { CHANNEL_TYPES, type Channel, type ChannelTypeName } from './channels/index.js';
export type { RouteRule } from './config.js';
export { routeIncident, incidentLabels } from './routing.js';
export { checkTarget, egressRequest, standardWebhookHeaders, EgressRefusedError, type EgressPolicy, type EgressRequest, type EgressResponse } from './egress.js';
export { isPublicAddress } from './address-guard.js';
export { withRetry, parseRetryAfter, type RetryPolicy, type AttemptResult } from './retry.js';
