import type { ChangeEvent } from './model.js';

/**
 * Which CloudEvents are changes an incident can be blamed on: deploys, rollbacks,
 * configuration and feature-flag changes (CDEvents `dev.cdevents.service.deployed|
 * upgraded|rolledback`, `…environment.modified`, and any tool's `*deploy*`, `*config*`,
 * `*flag*` types). Everything else (builds, tests, scans, tickets) is not a change to
 * running software.
 */
const KINDS: Array<{ kind: string; pattern: RegExp }> = [
  { kind: 'rollback', pattern: /rolledback|rollback/i },
  { kind: 'deploy', pattern: /deploy|upgraded|release\.(published|deployed)|service\.published/i },
  { kind: 'flag', pattern: /flag|feature/i },
  { kind: 'config', pattern: /config|environment\.modified|setting/i },
];

export interface ChangeSource {
  source: string;
  id: string;
  type: string;
  service: string;
  timeMs: number;
  /** Event data as JSON text (a version is read from it when present). */
  data: string;
}

export function changeKindOf(type: string): string | undefined {
  return KINDS.find((k) => k.pattern.test(type))?.kind;
}

export function toChange(e: ChangeSource): ChangeEvent | undefined {
  const kind = changeKindOf(e.type);
  if (!kind || !e.service || !Number.isFinite(e.timeMs)) return undefined;
  const version = versionOf(e.data);
  return { id: `${e.source}/${e.id}`, timeMs: e.timeMs, service: e.service, kind, type: e.type, summary: `${kind} ${e.service}${version ? ` ${version}` : ''}` };
}

/** A version from common payload shapes: `version`, CDEvents' `subject.content.artifactId` (…@version), `flag`/`key`. */
function versionOf(data: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object') return undefined;
  const d = parsed as Record<string, any>;
  const candidates = [d.version, d.subject?.content?.version, d.subject?.content?.artifactId, d.flag, d.key, d.name];
  const found = candidates.find((c) => typeof c === 'string' && c.length > 0 && c.length <= 200) as string | undefined;
  if (!found) return undefined;
  const at = found.lastIndexOf('@');
  return at > 0 && found.startsWith('pkg:') ? found.slice(at + 1) : found;
}
