import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { queries, type Store } from '../../analytics/index.js';
import { operationEvent, runCommand, verifySlackRequest, type ChatOpsActions, type ChatOpsSettings, type IncidentSummary, type SlashCommand } from '../chatops/index.js';
import { DrillService } from '../drills.js';
import { VigilError } from '../errors.js';
import type { IncidentCommandClient } from '../incident-commands.js';
import type { IncidentRuntime } from '../incidents.js';
import { assessChange } from '../xops/change-risk.js';
import type { ChangeRiskSettings } from '../xops/settings.js';

const MAX_FORM_BYTES = 64 * 1024;
const INCIDENT_LOOKBACK_MS = 30 * 86_400_000;

export interface ChatOpsDeps {
  store: Store;
  runtime: IncidentRuntime | undefined;
  /** Without the engine here (the api role): `/vigil ack` is sent to it as an incident command. */
  commands?: IncidentCommandClient;
  riskSettings: ChangeRiskSettings;
  settings: ChatOpsSettings;
  /** Records a CloudEvent through the ingest path; resolves once it is committed. */
  recordEvent(event: object): Promise<void>;
  /** Chaos drills (`/vigil drill run|approve`); absent: those commands answer with usage. */
  drills?: DrillService;
}

const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/**
 * Slack slash commands (`/vigil …`). Slack calls without a Vigil token, so the route is public
 * in the role check and authenticates each request by Slack's signature over the raw body
 * instead; nothing runs before the signature is verified.
 */
export async function chatOpsRoutes(app: FastifyInstance, deps: ChatOpsDeps): Promise<void> {
  const { settings } = deps;
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer', bodyLimit: MAX_FORM_BYTES }, (_request, body, done) => done(null, body));
  const actions = chatActions(deps);

  app.post<{ Body: Buffer }>('/api/v1/chatops/command', {
    config: {
      role: 'public',
      openapi: {
        tags: ['chatops'],
        summary: 'Slack slash command: /vigil incidents | ack <id> | risk <service> <type> | silence <service> <duration> [reason]',
        description: 'Authenticated by the Slack request signature (X-Slack-Signature, X-Slack-Request-Timestamp, chatops.slackSigningSecret), not a Vigil token. Body: Slack\'s form fields (command, text, user_id, user_name, team_id, channel_name). Every command is recorded as an io.vigil.chatops.operation.v1 event.',
        requestContentTypes: ['application/x-www-form-urlencoded'],
        responses: { 200: 'Slack message { response_type, text, blocks }', 401: 'Missing, stale or wrong signature', 503: 'ChatOps is not configured' },
      },
    },
  }, async (request) => {
    const secret = settings.signingSecret;
    if (!secret) throw new VigilError('CHATOPS_NOT_CONFIGURED', 'ChatOps is off: set chatops.slackSigningSecret (or chatops.slackSigningSecretFile)');
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const nowMs = Date.now();
    const check = verifySlackRequest(secret.reveal(), { timestamp: header(request.headers['x-slack-request-timestamp']), signature: header(request.headers['x-slack-signature']) }, raw, nowMs, settings.maxSkewMs);
    if (!check.ok) throw new VigilError('CHATOPS_BAD_SIGNATURE', check.reason);
    const form = new URLSearchParams(raw.toString('utf8'));
    const cmd: SlashCommand = {
      command: form.get('command') ?? '/vigil',
      text: form.get('text') ?? '',
      userId: form.get('user_id') ?? '',
      userName: form.get('user_name') ?? '',
      teamId: form.get('team_id') ?? '',
      channelName: form.get('channel_name') ?? '',
    };
    const outcome = await runCommand(cmd, actions, { actionUsers: settings.actionUsers, nowMs });
    try {
      await deps.recordEvent(operationEvent(cmd, { status: outcome.status, operation: outcome.operation, service: outcome.service, result: outcome.reply.text }, nowMs));
    } catch (err) {
      // The command already ran; its answer still goes back to chat.
      request.log.error({ err, operation: outcome.operation }, 'chatops operation not recorded');
    }
    return outcome.reply;
  });
}

function chatActions(deps: ChatOpsDeps): ChatOpsActions {
  const { store, runtime, commands } = deps;
  const summary = (i: IncidentSummary): IncidentSummary => ({ id: i.id, title: i.title, status: i.status, severity: i.severity, services: i.services, startMs: i.startMs });
  return {
    async openIncidents() {
      const stored = await queries.listIncidents(store, { sinceMs: Date.now() - INCIDENT_LOOKBACK_MS, limit: 200 });
      const byId = new Map<string, IncidentSummary & { version: number }>(stored.map((i) => [i.id, i]));
      for (const live of runtime?.live() ?? []) if ((byId.get(live.id)?.version ?? -1) <= live.version) byId.set(live.id, live);
      return [...byId.values()].filter((i) => i.status !== 'resolved').sort((a, b) => b.startMs - a.startMs).slice(0, 20).map(summary);
    },
    async ack(id, by) {
      if (runtime) return summary(await runtime.ack(id, by));
      // The reply shows the status the command reached: acknowledged once applied, else as stored (it follows).
      if (commands) return summary((await commands.send('ack', id, by)).incident);
      throw new VigilError('INCIDENTS_DISABLED', 'the incident engine is not running');
    },
    risk: (service, type) => assessChange(store, { service, type, atMs: Date.now() }, deps.riskSettings),
    ...(deps.drills
      ? {
          drillRun: async (library: string, by: string) => deps.drills!.request(DrillService.specOf({ library }), by),
          drillApprove: async (id: string, by: string) => deps.drills!.approve(id, by),
        }
      : {}),
    async silence(service, durationMs, by, reason) {
      const now = Date.now();
      const id = randomUUID();
      await queries.insertSilence(store, { id, service, startsMs: now, endsMs: now + durationMs, createdBy: by, reason, source: 'chatops' });
      return { id, endsMs: now + durationMs };
    },
  };
}
