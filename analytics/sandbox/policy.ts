import { IN_FUNCTIONS, SANDBOX_FORBIDDEN_FUNCTIONS, SANDBOX_SYSTEM_TABLES, SANDBOX_TABLE_FUNCTIONS, SANDBOX_TABLES } from './allowlist.js';
import type { AstNode } from './explain-ast.js';

export type StatementKind = 'select' | 'show' | 'describe' | 'explain';

export interface PolicyContext {
  /** The database unqualified names resolve in. */
  database: string;
  /** Tables and views that exist in `database` (an unqualified name that is none of them can only be a WITH name). */
  existingTables: ReadonlySet<string>;
}

/** Why the sandbox refused a statement; the message says what to change. */
export class SandboxRefusal extends Error {
  override name = 'SandboxRefusal';
}

const EXPLAIN_KINDS = /^EXPLAIN(?: (?:AST|SYNTAX|PLAN|PIPELINE|ESTIMATE|QUERY TREE))?$/;

/**
 * Checks the engine's parse of one statement (after parameter substitution) against the
 * sandbox rules: reads only, allowlisted tables, no table function or function that reaches
 * outside, no SETTINGS, FORMAT or INTO OUTFILE. `canonical` is the engine's formatting of the
 * same statement (SHOW's variants share one AST node type).
 */
export function checkStatement(roots: AstNode[], canonical: string, context: PolicyContext): StatementKind {
  if (roots.length !== 1) throw new SandboxRefusal('one statement per request');
  const root = roots[0];
  const kind = statementKind(root, canonical);
  walk(root, context);
  return kind;
}

function statementKind(root: AstNode, canonical: string): StatementKind {
  switch (root.kind) {
    case 'SelectWithUnionQuery':
      return 'select';
    case 'Explain': {
      if (!EXPLAIN_KINDS.test(root.text)) throw new SandboxRefusal(`${root.text} is not accepted (EXPLAIN, EXPLAIN AST, SYNTAX, PLAN, PIPELINE, ESTIMATE or QUERY TREE without settings)`);
      if (root.children.length !== 1 || root.children[0].kind !== 'SelectWithUnionQuery') throw new SandboxRefusal('EXPLAIN takes one SELECT and no settings');
      return 'explain';
    }
    case 'ShowTables':
      if (!/^SHOW (?:FULL )?(?:TABLES|DATABASES)\b/i.test(canonical)) throw new SandboxRefusal('of the SHOW statements, only SHOW TABLES, SHOW DATABASES, SHOW COLUMNS and SHOW CREATE TABLE are accepted');
      return 'show';
    case 'ShowColumns':
    case 'ShowCreateTableQuery':
      return 'show';
    case 'DescribeQuery':
      return 'describe';
    default:
      throw new SandboxRefusal(`only read queries are accepted (SELECT, WITH, SHOW, DESCRIBE, EXPLAIN); this statement is ${describeKind(root.kind)}`);
  }
}

function describeKind(kind: string): string {
  const m = /^(Insert|Create|Alter|Drop|Rename|Truncate|Optimize|Set|System|Kill|Grant|Revoke|Use|Delete|Update|Undrop|Check|Exists|Backup|Watch)/i.exec(kind);
  return m ? `${m[1].toUpperCase()} (${kind})` : kind;
}

function walk(node: AstNode, context: PolicyContext): void {
  switch (node.kind) {
    case 'Set':
      throw new SandboxRefusal('SETTINGS are not accepted: the server sets the limits of sandbox queries');
    case 'SelectWithUnionQuery':
      // A second child is a FORMAT clause or INTO OUTFILE.
      if (node.children.length !== 1) throw new SandboxRefusal('FORMAT and INTO OUTFILE are not accepted in the query (ask for a format in the request)');
      break;
    case 'TableIdentifier':
      checkTable(node.text, context);
      break;
    case 'TableExpression':
      for (const child of node.children) {
        if (child.kind === 'Function' && !SANDBOX_TABLE_FUNCTIONS.has(child.text.toLowerCase())) {
          throw new SandboxRefusal(`table function ${child.text} is not accepted (only ${[...SANDBOX_TABLE_FUNCTIONS].join(', ')})`);
        }
      }
      break;
    case 'Function': {
      const name = node.text.toLowerCase();
      if (SANDBOX_FORBIDDEN_FUNCTIONS.has(name) || name.startsWith('dict')) throw new SandboxRefusal(`function ${node.text} is not accepted: it reads outside the allowlisted tables`);
      if (IN_FUNCTIONS.has(name)) {
        const operand = node.children[0]?.children[1];
        if (operand?.kind === 'Identifier') checkTable(operand.text, context);
      }
      break;
    }
    case 'ShowCreateTableQuery': {
      const names = node.children.filter((c) => c.kind === 'Identifier').map((c) => c.text);
      checkTable(names.join('.'), context);
      break;
    }
  }
  for (const child of node.children) walk(child, context);
}

/**
 * `db.table` or `table`. The first dot splits, so a quoted name with a dot in it is read as
 * qualified and refused unless that reading is allowed too (the conservative reading).
 */
function checkTable(name: string, context: PolicyContext): void {
  const dot = name.indexOf('.');
  if (dot < 0) {
    if (SANDBOX_TABLES.has(name)) return;
    // Not a table of this database: a WITH name (or unknown, which the engine reports).
    if (!context.existingTables.has(name)) return;
    throw refusedTable(name);
  }
  const database = name.slice(0, dot);
  const table = name.slice(dot + 1);
  if (database === context.database && SANDBOX_TABLES.has(table)) return;
  if (database === 'system' && SANDBOX_SYSTEM_TABLES.has(table)) return;
  if (database.toLowerCase() === 'information_schema') return;
  throw refusedTable(name);
}

function refusedTable(name: string): SandboxRefusal {
  return new SandboxRefusal(`table ${name} is not on the sandbox allowlist (Vigil's telemetry, rollups, anomalies, patterns and incidents; system tables of metadata and constants)`);
}
