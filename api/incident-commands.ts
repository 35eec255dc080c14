import { randomUUID } from 'node:crypto';
import { queries, type Store } from '../analytics/index.js';
import type { IncidentRecord } from '../analytics/queries/incidents.js';
import { INCIDENT_COMMAND_TOPIC, type Incident, type IncidentCommand, type IncidentMessage } from '../detectors/incidents/index.js';
import type { Bus } from '../ingest/index.js';
import { VigilError } from './errors.js';

/** What an ack/resolve sent as a command came to. */
export interface CommandOutcome {
  /** After the command when its transition came back in time (or none was needed); else as last stored. */
  incident: Incident | IncidentRecord;
  /** Absent when the incident already was in the asked-for status (nothing sent). */
  commandId?: string;
  /** Sent (durably on Kafka) but its transition had not come back within the wait. */
  pending: boolean;
}

export interface IncidentCommandOptions {
  /** How long a request waits for the command's transition before answering "accepted". */
  waitMs: number;
}

/**
 * Acknowledge and resolve in a process without the incident engine (the `api` role): the
 * request is checked against the store, sent on `INCIDENT_COMMAND_TOPIC` (keyed by incident, so
 * one incident's commands stay in order) to the detector that runs the engine, and answered
 * with the incident as its transition comes back on `INCIDENT_TOPIC` (fed to `observe`) — the
 * button the SRE pressed shows the new status. When the engine is slow or down the command
 * waits on Kafka and the answer says so (`pending`).
 */
export class IncidentCommandClient {
  private readonly waiters = new Map<string, (message: IncidentMessage) => void>();

  constructor(
    private readonly deps: { store: Store; commands: Pick<Bus<IncidentCommand>, 'publish'> },
    private readonly options: IncidentCommandOptions,
  ) {}

  /** Every transition read from INCIDENT_TOPIC; those a waiting command caused answer it. */
  observe(message: IncidentMessage): void {
    if (message.commandId) this.waiters.get(message.commandId)?.(message);
  }

  async send(action: IncidentCommand['action'], incidentId: string, by: string, note?: string): Promise<CommandOutcome> {
    const stored = await queries.getIncident(this.deps.store, incidentId);
    if (!stored) throw new VigilError('API_NOT_FOUND', `no incident ${incidentId}`);
    if (action === 'ack' && stored.status === 'resolved') throw new VigilError('INCIDENT_INVALID_TRANSITION', `incident ${incidentId} is resolved; only an open incident can be acknowledged`);
    if (stored.status === (action === 'ack' ? 'acknowledged' : 'resolved')) return { incident: stored, pending: false };

    const command: IncidentCommand = { id: randomUUID(), action, incidentId, by, issuedAtMs: Date.now(), ...(note ? { note } : {}) };
    // Listening before sending: the transition can come back before the publish resolves.
    let timer: NodeJS.Timeout | undefined;
    const applied = new Promise<IncidentMessage | undefined>((resolve) => {
      this.waiters.set(command.id, resolve);
      timer = setTimeout(() => resolve(undefined), this.options.waitMs);
    });
    try {
      try {
        await this.deps.commands.publish(INCIDENT_COMMAND_TOPIC, [{ key: incidentId, id: command.id, value: command }]);
      } catch (err) {
        throw new VigilError('INCIDENT_COMMAND_UNAVAILABLE', `incident command not sent: ${(err as Error).message}`);
      }
      const message = await applied;
      return message ? { incident: message.incident, commandId: command.id, pending: false } : { incident: stored, commandId: command.id, pending: true };
    } finally {
      clearTimeout(timer);
      this.waiters.delete(command.id);
    }
  }
}
