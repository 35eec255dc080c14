export { SqlSandbox, sandboxError, type SandboxLimits, type SandboxResult } from './sandbox.js';
export { checkStatement, SandboxRefusal, type StatementKind, type PolicyContext } from './policy.js';
export { parseExplainAst, type AstNode } from './explain-ast.js';
export { SANDBOX_TABLES, SANDBOX_SYSTEM_TABLES, SANDBOX_TABLE_FUNCTIONS, SANDBOX_FORMATS } from './allowlist.js';
