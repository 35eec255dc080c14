/**
 * The tree ClickHouse prints for `EXPLAIN AST <query>`: one node per line, indented one space
 * per level, e.g. `  TableIdentifier system.tables (alias t)` or `Function file (children 1)`.
 * Parsing the engine's own parse of the query is what lets the sandbox trust what it checks.
 */
export interface AstNode {
  /** The node type: SelectWithUnionQuery, TableIdentifier, Function, Set, … */
  kind: string;
  /** What follows the type on the line, without `(children N)` and `(alias …)`. */
  text: string;
  children: AstNode[];
}

export function parseExplainAst(output: string): AstNode[] {
  const roots: AstNode[] = [];
  const stack: Array<{ depth: number; node: AstNode }> = [];
  for (const line of output.split('\n')) {
    if (line.trim() === '') continue;
    const depth = line.length - line.trimStart().length;
    const m = /^(\S+)\s*(.*)$/.exec(line.trimStart())!;
    const node: AstNode = { kind: m[1], text: m[2].replace(/\s*\(children \d+\)$/, '').replace(/\s*\(alias [^()]*\)$/, '').trim(), children: [] };
    while (stack.length > 0 && stack[stack.length - 1].depth >= depth) stack.pop();
    if (stack.length === 0) {
      if (depth !== 0) throw new Error(`unexpected indentation in EXPLAIN AST output: ${line}`);
      roots.push(node);
    } else {
      if (depth !== stack[stack.length - 1].depth + 1) throw new Error(`unexpected indentation in EXPLAIN AST output: ${line}`);
      stack[stack.length - 1].node.children.push(node);
    }
    stack.push({ depth, node });
  }
  return roots;
}
