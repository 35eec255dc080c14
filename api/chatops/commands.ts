import { escapeMrkdwn as esc, message, type SlackMessage } from './slack-message.js';

/** The Slack slash command form fields Vigil reads (https://api.slack.com/interactivity/slash-commands). */
export interface SlashCommand {
  command: string;
  text: string;
  userId: string;
  userName: string;
  teamId: string;
  channelName: string;
}

export interface IncidentSummary {
  id: string;
  title: string;
  status: string;
  severity: string;
  services: string[];
  startMs: number;
}

/** What commands do, behind a port: the route wires the incident runtime, change risk and the silences store. */
export interface ChatOpsActions {
  openIncidents(): Promise<IncidentSummary[]>;
  ack(id: string, by: string): Promise<IncidentSummary>;
  risk(service: string, type: string): Promise<{ score: number; level: string; factors: Array<{ name: string; points: number; evidence: string }> }>;
  silence(service: string, durationMs: number, by: string, reason: string): Promise<{ id: string; endsMs: number }>;
  /** Starts a library drill (synthetic) or requests one; absent when drills are not wired. */
  drillRun?(library: string, by: string): Promise<{ id: string; name: string; status: string }>;
  /** Approves a real-target drill as `by` (refused for its requester or outside the change window). */
  drillApprove?(id: string, by: string): Promise<{ id: string; name: string; status: string }>;
}

export interface CommandOutcome {
  status: 'succeeded' | 'failed';
  /** The subcommand (incidents, ack, risk, silence, help), or the unknown word. */
  operation: string;
  service?: string;
  reply: SlackMessage;
}

const MAX_SILENCE_MS = 7 * 86_400_000;
const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };
const USAGE = [
  '`/vigil incidents` — open and acknowledged incidents',
  '`/vigil ack <incident id>` — acknowledge an incident',
  '`/vigil risk <service> <change type>` — risk of a change now (deploy, config, feature-flag, …)',
  '`/vigil silence <service> <duration> [reason]` — hold back pages for a service (30m, 2h, 1d; at most 7d)',
  '`/vigil drill run <library drill>` — run a chaos drill; `/vigil drill approve <drill id>` — approve someone else\'s real-target drill',
].join('\n');

/**
 * Runs one slash command: parses `text`, calls the action, and answers in Slack's message
 * format. Failures the user can fix (bad arguments, unknown incident) are answered, not thrown.
 */
export async function runCommand(cmd: SlashCommand, actions: ChatOpsActions, options: { actionUsers: readonly string[]; nowMs: number }): Promise<CommandOutcome> {
  const [operation = 'help', ...args] = cmd.text.trim().split(/\s+/).filter(Boolean);
  const by = `slack:${cmd.userName || cmd.userId}`;
  const mayAct = options.actionUsers.length === 0 || options.actionUsers.includes(cmd.userId) || options.actionUsers.includes(cmd.userName);
  const fail = (text: string, service?: string): CommandOutcome => ({ status: 'failed', operation, service, reply: message('ephemeral', text) });
  try {
    switch (operation) {
      case 'help':
        return { status: 'succeeded', operation, reply: message('ephemeral', 'Vigil commands', [USAGE]) };
      case 'incidents': {
        const open = await actions.openIncidents();
        if (open.length === 0) return { status: 'succeeded', operation, reply: message('ephemeral', 'No open incidents.') };
        const lines = open.map((i) => `*${esc(i.id)}* · ${esc(i.severity)} · ${esc(i.status)} · ${esc(i.title)} (${esc(i.services.join(', '))}, since ${new Date(i.startMs).toISOString()})`);
        return { status: 'succeeded', operation, reply: message('ephemeral', `${open.length} open incident${open.length === 1 ? '' : 's'}`, [lines.join('\n')]) };
      }
      case 'ack': {
        if (args.length !== 1) return fail('Usage: `/vigil ack <incident id>`');
        if (!mayAct) return fail(`${by} may not ack from chat (chatops.actionUsers).`);
        const incident = await actions.ack(args[0], by);
        return { status: 'succeeded', operation, service: incident.services[0], reply: message('in_channel', `Incident ${incident.id} acknowledged by ${cmd.userName}`, [`*${esc(incident.id)}* ${esc(incident.title)} is *${esc(incident.status)}* (acknowledged by ${esc(cmd.userName)}).`]) };
      }
      case 'risk': {
        if (args.length !== 2) return fail('Usage: `/vigil risk <service> <change type>`');
        const [service, type] = args;
        const risk = await actions.risk(service, type);
        const score = Math.round(risk.score);
        const factors = risk.factors.filter((f) => f.points > 0).sort((a, b) => b.points - a.points).map((f) => `• *${esc(f.name)}* +${Math.round(f.points * 10) / 10}: ${esc(f.evidence)}`);
        return {
          status: 'succeeded',
          operation,
          service,
          reply: message('ephemeral', `Risk of a ${type} to ${service} now: ${score}/100 (${risk.level})`, [`Risk of a *${esc(type)}* to *${esc(service)}* now: *${score}/100 (${esc(risk.level)})*`, factors.length > 0 ? factors.join('\n') : 'No risk factor applies.']),
        };
      }
      case 'silence': {
        if (args.length < 2) return fail('Usage: `/vigil silence <service> <duration> [reason]`, duration like 30m, 2h or 1d');
        const [service, duration, ...reason] = args;
        const m = /^(\d+)([mhd])$/.exec(duration);
        const durationMs = m ? Number(m[1]) * UNIT_MS[m[2]] : 0;
        if (durationMs <= 0 || durationMs > MAX_SILENCE_MS) return fail(`Duration "${duration}": expected 30m, 2h, 1d … up to 7d`, service);
        if (!mayAct) return fail(`${by} may not silence from chat (chatops.actionUsers).`, service);
        const silence = await actions.silence(service, durationMs, by, reason.join(' '));
        const until = new Date(silence.endsMs).toISOString();
        return { status: 'succeeded', operation, service, reply: message('in_channel', `${service} silenced until ${until} by ${cmd.userName}`, [`Pages for *${esc(service)}* are silenced until ${until} (by ${esc(cmd.userName)}${reason.length ? `: ${esc(reason.join(' '))}` : ''}).`], `silence ${silence.id}`) };
      }
      case 'drill': {
        const [sub, arg] = args;
        if (!mayAct) return fail(`${by} may not run or approve drills from chat (chatops.actionUsers).`);
        if (sub === 'run' && arg && actions.drillRun) {
          const d = await actions.drillRun(arg, by);
          return { status: 'succeeded', operation: 'drill run', reply: message('in_channel', `Drill ${d.name} ${d.status} (${d.id}) by ${cmd.userName}`, [`Drill *${esc(d.name)}* is *${esc(d.status)}* (\`${esc(d.id)}\`), requested by ${esc(cmd.userName)}.`]) };
        }
        if (sub === 'approve' && arg && actions.drillApprove) {
          const d = await actions.drillApprove(arg, by);
          return { status: 'succeeded', operation: 'drill approve', reply: message('in_channel', `Drill ${d.name} approved by ${cmd.userName}: ${d.status}`, [`Drill *${esc(d.name)}* (\`${esc(d.id)}\`) approved by ${esc(cmd.userName)}: *${esc(d.status)}*.`]) };
        }
        return fail('Usage: `/vigil drill run <library drill>` or `/vigil drill approve <drill id>`');
      }
      default:
        return fail(`Unknown command "${operation}".\n${USAGE}`);
    }
  } catch (err) {
    // Domain errors carry a user-facing message (no such incident, invalid transition, engine off).
    const code = (err as { code?: string }).code;
    if (code && code !== 'INTERNAL' && code !== 'STORE_UNAVAILABLE') return fail(`${operation} failed: ${(err as Error).message}`);
    throw err;
  }
}
