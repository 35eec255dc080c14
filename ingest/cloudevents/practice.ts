/**
 * Which practice an event belongs to, from its CloudEvents `type`. One ordered
 * table: the first rule whose prefix starts, or whose word occurs in, the
 * lowercased type wins; no rule means `other`. Incidents come first so that
 * CDEvents' `dev.cdevents.incident.*` (and any tool's incident events) feed the
 * incident views, and security before CDEvents so that a vulnerability found in
 * a pipeline is DevSecOps, not plain DevOps. CDEvents (https://cdevents.dev)
 * come before the DataOps words because their types contain `pipeline`.
 */
const PRACTICE_RULES: ReadonlyArray<{ practice: string; prefixes?: readonly string[]; words?: readonly string[] }> = [
  { practice: 'incident', words: ['incident'] },
  { practice: 'devsecops', words: ['security', 'vulnerability', 'devsecops'] },
  { practice: 'devops', prefixes: ['dev.cdevents.'], words: ['devops'] },
  { practice: 'dataops', words: ['dataops', 'pipeline', 'dataquality'] },
  { practice: 'mlops', words: ['mlops', 'model'] },
  { practice: 'chatops', words: ['chatops'] },
  { practice: 'bizdevops', words: ['bizdevops', 'kpi', 'business'] },
  { practice: 'finops', words: ['finops', 'cost'] },
];

export const OTHER_PRACTICE = 'other';

export function practiceOf(type: string): string {
  const t = type.toLowerCase();
  for (const rule of PRACTICE_RULES) {
    if (rule.prefixes?.some((p) => t.startsWith(p)) || rule.words?.some((w) => t.includes(w))) return rule.practice;
  }
  return OTHER_PRACTICE;
}
