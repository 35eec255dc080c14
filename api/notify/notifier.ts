import { queries, type Store } from '../../analytics/index.js';
import type { NotificationRecord, NotificationSearch } from '../../analytics/queries/notifications.js';
import type { IncidentMessage, IncidentTransition } from '../../detectors/incidents/types.js';
import type { FlatConfig } from '../config/schema.js';
import type { Logger } from '../logger.js';
import { channelDefinition, type Action, type Channel } from './channels/index.js';
import { deliver, incidentUrl, scrub, webhookId, type DeliveryJob, type DeliverySettings } from './deliver.js';
import { egressRequest, type EgressPolicy } from './egress.js';
import { routeIncident } from './routing.js';
import { withRetry } from './retry.js';

export interface NotifierDeps {
  config: FlatConfig;
  store: Store;
  logger: Logger;
  /** Name resolution behind the SSRF guard (tests); the system resolver by default. */
  resolve?: EgressPolicy['resolve'];
}

export interface Notifier {
  /**
   * Takes incident transitions (a batch from `vigil.incidents`). Resolves once every page they
   * call for is recorded as pending in the delivery log; sending continues in the background.
   * Safe with redelivered, duplicated and out-of-order messages: a transition already
   * recorded for a channel is not sent again, and one older than a handled one is skipped.
   * Rejects only when the store cannot record them (let the bus redeliver).
   */
  handle(messages: readonly IncidentMessage[]): Promise<void>;
  /** Resolves when every delivery accepted so far is settled (delivered, failed or refused). */
  idle(): Promise<void>;
  /** The delivery log, newest first. */
  deliveries(query?: Partial<NotificationSearch>): Promise<NotificationRecord[]>;
  /** Stops retrying (unsettled deliveries stay pending and resume on the next start) and the Alertmanager refresh. */
  close(): Promise<void>;
}

const ACTION: Record<IncidentTransition, Action> = { opened: 'trigger', reopened: 'trigger', acknowledged: 'acknowledge', resolved: 'resolve', updated: 'refresh' };

/**
 * The notifier. The delivery log is its outbox: a delivery is written as pending before the
 * first byte leaves, then rewritten with its outcome, so neither a redelivered message nor a
 * restart pages twice, and a restart resumes what was pending. Deliveries of one incident to
 * one channel run in order (a resolve never overtakes its trigger); everything else in parallel.
 */
export async function createNotifier(deps: NotifierDeps): Promise<Notifier> {
  const { config, store } = deps;
  const logger = deps.logger.child({ component: 'notifier' });
  const channels = new Map<string, Channel>(config['notify.channels'].map((c) => [c.name, c]));
  const routes = config['notify.routes'];
  const closing = new AbortController();
  const settings: DeliverySettings = {
    egress: {
      allowPrivateTargets: config['notify.allowPrivateTargets'],
      allowedHosts: config['notify.allowedHosts'].split(',').map((h) => h.trim().toLowerCase()).filter(Boolean),
      timeoutMs: config['notify.timeoutMs'],
      resolve: deps.resolve,
    },
    retry: { initialDelayMs: config['notify.retry.initialDelayMs'], maxDelayMs: config['notify.retry.maxDelayMs'], deadlineMs: config['notify.retry.deadlineSeconds'] * 1000 },
    publicUrl: config['notify.publicUrl'],
    alertTtlMs: 4 * config['notify.alertmanagerResendSeconds'] * 1000,
    signal: closing.signal,
  };

  /** Per `<incident>\0<channel>`: the tail of its delivery chain and the highest version accepted. */
  const chains = new Map<string, { tail: Promise<void>; version: number }>();
  const accepted = new Set<string>();
  const running = new Set<Promise<void>>();
  /** Alertmanager alerts Vigil keeps firing, by `<incident>\0<channel>`. */
  const firing = new Map<string, { channel: Channel; message: IncidentMessage }>();

  const keyOf = (incidentId: string, channel: string) => `${incidentId}\u0000${channel}`;

  /** Runs `task` after everything queued for `key`, so one incident's posts to one channel never overtake each other. */
  function chain(key: string, version: number, task: () => Promise<void>, onDone: () => void = () => undefined): void {
    const entry = chains.get(key) ?? { tail: Promise.resolve(), version: 0 };
    entry.version = Math.max(entry.version, version);
    const run = entry.tail.then(task).catch((err) => logger.error({ err }, 'notifier task crashed'));
    entry.tail = run;
    chains.set(key, entry);
    running.add(run);
    void run.finally(() => {
      running.delete(run);
      onDone();
      if (chains.get(key)?.tail === run) chains.delete(key);
    });
  }

  function enqueue(job: DeliveryJob, record: NotificationRecord): void {
    const key = keyOf(job.message.incident.id, job.channel.name);
    chain(key, job.message.incident.version, () => settle(job, record), () => accepted.delete(job.id));
  }

  async function settle(job: DeliveryJob, pending: NotificationRecord): Promise<void> {
    const result = await deliver(job, settings);
    if (result.aborted) return; // closing: stays pending, resumed by the next start
    const now = Date.now();
    const delivered = result.status === 'delivered';
    await recordOutcome(
      {
        ...pending,
        status: result.status,
        attempts: result.attempts,
        httpStatus: result.httpStatus,
        error: result.error,
        // Alertmanager rows keep the message: a restarted notifier re-posts the alerts still firing.
        message: job.channel.type === 'alertmanager' ? pending.message : '',
        deliveredAtMs: delivered ? now : 0,
        latencyMs: delivered ? now - pending.createdAtMs : 0,
        updatedAtMs: Math.max(now, pending.updatedAtMs + 1),
      },
    );
    const log = { delivery: job.id, channel: job.channel.name, action: job.action, attempts: result.attempts, httpStatus: result.httpStatus };
    if (delivered) logger.info({ ...log, latencyMs: now - pending.createdAtMs }, 'page delivered');
    else logger.warn({ ...log, status: result.status, error: result.error }, 'page not delivered');
    if (job.channel.type === 'alertmanager') {
      const key = keyOf(job.message.incident.id, job.channel.name);
      if (job.action === 'resolve') firing.delete(key);
      else if (delivered) firing.set(key, { channel: job.channel, message: job.message });
    }
  }

  /**
   * Outcome rows are group-committed: every outcome settled while an insert runs goes in the
   * next one (a burst of pages is a few inserts, not one per page). Resolves once written.
   */
  const outcomes: Array<{ row: NotificationRecord; written: () => void }> = [];
  let flushing = false;
  function recordOutcome(row: NotificationRecord): Promise<void> {
    return new Promise((written) => {
      outcomes.push({ row, written });
      if (flushing) return;
      flushing = true;
      void (async () => {
        while (outcomes.length > 0) {
          const batch = outcomes.splice(0);
          await record(batch.map((o) => o.row));
          for (const o of batch) o.written();
        }
        flushing = false;
      })();
    });
  }

  /** Writes delivery-log rows, retrying briefly: a lost outcome row would mean a resend after restart. */
  async function record(rows: NotificationRecord[]): Promise<void> {
    const { result } = await withRetry(
      async () => {
        try {
          await queries.insertNotifications(store, rows);
          return { ok: true as const, value: undefined };
        } catch (err) {
          return { ok: false as const, retryable: true, error: (err as Error).message };
        }
      },
      { initialDelayMs: 200, maxDelayMs: 5_000, deadlineMs: 30_000 },
    );
    if (!result.ok) logger.error({ error: result.error, deliveries: rows.map((r) => r.id) }, 'could not record deliveries');
  }

  function baseRecord(id: string, channel: Channel, message: IncidentMessage, action: Action, nowMs: number): NotificationRecord {
    const { incident } = message;
    return {
      id,
      incidentId: incident.id,
      fingerprint: incident.fingerprint,
      channel: channel.name,
      channelType: channel.type,
      transition: message.transition,
      action,
      version: incident.version,
      status: 'pending',
      attempts: 0,
      httpStatus: 0,
      error: '',
      message: '',
      transitionAtMs: message.atMs,
      createdAtMs: nowMs,
      deliveredAtMs: 0,
      latencyMs: 0,
      updatedAtMs: nowMs,
    };
  }

  async function handle(messages: readonly IncidentMessage[]): Promise<void> {
    if (!config['notify.enabled'] || channels.size === 0 || messages.length === 0) return;
    const receivedAtMs = Date.now();
    const logged = await queries.notificationsOfIncidents(store, [...new Set(messages.map((m) => m.incident.id))]);
    const seen = new Set(logged.map((r) => r.id));
    const highest = new Map<string, number>();
    const raise = (key: string, v: number) => highest.set(key, Math.max(highest.get(key) ?? 0, v));
    for (const r of logged) raise(keyOf(r.incidentId, r.channel), r.version);
    for (const [key, entry] of chains) raise(key, entry.version);

    // Silences (`/vigil silence <service> <duration>` in ChatOps) hold back new pages, not resolves.
    const silenced = new Map<string, { endsMs: number; createdBy: string }>();
    if (messages.some((m) => ACTION[m.transition] === 'trigger')) {
      for (const s of await queries.activeSilences(store, receivedAtMs)) silenced.set(s.service, { endsMs: s.endsMs, createdBy: s.createdBy });
    }
    const silenceOf = (message: IncidentMessage) => message.incident.services.map((svc) => [svc, silenced.get(svc)] as const).find(([, s]) => s);

    const rows: NotificationRecord[] = [];
    const jobs: Array<{ job: DeliveryJob; record: NotificationRecord }> = [];
    const ordered = [...messages].sort((a, b) => a.incident.id.localeCompare(b.incident.id) || a.incident.version - b.incident.version);
    for (const message of ordered) {
      const action = ACTION[message.transition];
      for (const name of routeIncident(message.incident, routes, [...channels.keys()])) {
        const channel = channels.get(name)!;
        const mode = channelDefinition(channel.type).actions[action];
        const id = `${message.incident.id}/${message.incident.version}/${name}`;
        if (!mode || seen.has(id) || accepted.has(id)) continue;
        seen.add(id);
        const key = keyOf(message.incident.id, name);
        const base = baseRecord(id, channel, message, action, receivedAtMs);
        const newer = highest.get(key) ?? 0;
        if (newer > message.incident.version) rows.push({ ...base, status: 'skipped', error: `superseded: version ${newer} was already handled` });
        else if (mode === 'skip') rows.push({ ...base, status: 'skipped', error: `a ${channel.type} channel has no ${action}` });
        else if (action === 'trigger' && silenceOf(message)) {
          const [svc, silence] = silenceOf(message)!;
          rows.push({ ...base, status: 'skipped', error: `silenced: ${svc} until ${new Date(silence!.endsMs).toISOString()} (by ${silence!.createdBy})` });
        }
        else {
          const record = { ...base, message: JSON.stringify(message) };
          rows.push(record);
          jobs.push({ job: { id, channel, message, action }, record });
          raise(key, message.incident.version);
        }
      }
    }
    if (rows.length === 0) return;
    for (const { job } of jobs) accepted.add(job.id);
    try {
      await queries.insertNotifications(store, rows);
    } catch (err) {
      for (const { job } of jobs) accepted.delete(job.id);
      throw err;
    }
    for (const { job, record } of jobs) enqueue(job, record);
  }

  /**
   * Re-posts firing alerts so Alertmanager does not end them (Prometheus' resend loop). Each
   * goes through its incident's chain: a refresh landing after the resolve would re-fire it.
   */
  function refreshAlerts(): void {
    for (const [key, { message }] of firing) {
      if (chains.has(key)) continue; // a delivery for it is under way and will refresh it
      chain(key, 0, async () => {
        const still = firing.get(key);
        if (!still || closing.signal.aborted) return;
        const { channel } = still;
        const request = channelDefinition(channel.type).render(channel, {
          message: still.message,
          action: 'refresh',
          deliveryId: webhookId(`${message.incident.id}/${still.message.incident.version}/${channel.name}`),
          incidentUrl: incidentUrl(settings.publicUrl, message.incident.id),
          nowMs: Date.now(),
          alertTtlMs: settings.alertTtlMs,
        });
        try {
          const res = await egressRequest(request, settings.egress);
          if (res.status >= 300) logger.warn({ channel: channel.name, httpStatus: res.status }, 'alertmanager refresh refused');
        } catch (err) {
          logger.warn({ channel: channel.name, error: scrub((err as Error).message, channel) }, 'alertmanager refresh failed');
        }
      });
    }
  }

  // Resume what a previous run accepted but did not settle.
  for (const pending of await queries.pendingNotifications(store)) {
    const channel = channels.get(pending.channel);
    const late = Date.now() - pending.createdAtMs > settings.retry.deadlineMs;
    if (!channel || channel.type !== pending.channelType || late) {
      const error = channel && channel.type === pending.channelType ? 'not delivered before a restart, and the retry deadline has passed' : 'the channel is no longer configured';
      await record([{ ...pending, status: 'failed', error, message: '', updatedAtMs: Math.max(Date.now(), pending.updatedAtMs + 1) }]);
      continue;
    }
    const message = JSON.parse(pending.message) as IncidentMessage;
    accepted.add(pending.id);
    enqueue({ id: pending.id, channel, message, action: pending.action as Action }, pending);
  }
  for (const last of await queries.firingAlertmanagerNotifications(store)) {
    const channel = channels.get(last.channel);
    if (channel?.type === 'alertmanager') firing.set(keyOf(last.incidentId, last.channel), { channel, message: JSON.parse(last.message) as IncidentMessage });
  }
  const timer = setInterval(refreshAlerts, config['notify.alertmanagerResendSeconds'] * 1000);
  timer.unref();

  return {
    handle,
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
    deliveries: (query = {}) => queries.searchNotifications(store, { limit: 1000, ...query }),
    async close() {
      clearInterval(timer);
      closing.abort();
      await Promise.allSettled([...running]);
    },
  };
}
