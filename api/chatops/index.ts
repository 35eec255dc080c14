/** ChatOps: Slack slash commands, verified by Slack's request signature, each recorded as an event. */
export { runCommand, type ChatOpsActions, type CommandOutcome, type IncidentSummary, type SlashCommand } from './commands.js';
export { operationEvent } from './operation-event.js';
export { chatOpsSettings, type ChatOpsSettings } from './settings.js';
export { slackSignature, verifySlackRequest } from './signature.js';
export type { SlackMessage } from './slack-message.js';
