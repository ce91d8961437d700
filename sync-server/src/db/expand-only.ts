/**
 * The expand-only rule for migrations (DESIGN §13): release N−1 must run on schema N, so a
 * migration only adds (tables, nullable or defaulted columns, indexes, functions, wider checks).
 * This scanner finds the statements that can break the previous release's server: drops,
 * renames, type changes, SET NOT NULL, a NOT NULL column without a default, a new constraint or
 * unique index on a table that already existed, TRUNCATE, DELETE, and replacing a function an
 * earlier migration made. A statement the author has checked says why in the comment block
 * directly above it, in a line `-- expand-exception: <why release N−1 still runs>`; the test
 * `expand-only.test.ts` fails on any other.
 */

export interface ContractingStatement {
  file: string;
  /** 1-based line of the statement's first word. */
  line: number;
  rule: string;
  statement: string;
}

export const expand_exception_marker = '-- expand-exception:';
/** A reason shorter than this is not a reason. */
export const expand_exception_min_reason = 20;

interface Statement {
  /** SQL with comments removed and quoted bodies blanked, whitespace collapsed, upper case. */
  text: string;
  /** The original statement's first line, for messages. */
  first: string;
  line: number;
  /** The `--` comment lines directly above the statement (no blank line between). */
  comments: string[];
}

/** Splits a migration into statements, keeping each one's leading comment block. */
export function splitStatements(sql: string): Statement[] {
  const out: Statement[] = [];
  let i = 0;
  let line = 1;
  let text = '';
  let raw = '';
  let startLine = 0;
  let comments: string[] = [];
  const push = () => {
    const collapsed = text.replace(/\s+/g, ' ').trim();
    if (collapsed !== '') out.push({ text: collapsed.toUpperCase(), first: (raw.trim().split('\n')[0] ?? '').slice(0, 160), line: startLine, comments });
    text = '';
    raw = '';
    comments = [];
    startLine = 0;
  };
  while (i < sql.length) {
    const ch = sql[i] as string;
    if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const comment = sql.slice(i, end < 0 ? sql.length : end);
      if (startLine === 0) comments.push(comment.trim());
      i = end < 0 ? sql.length : end;
      continue;
    }
    if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      const skipped = sql.slice(i, end < 0 ? sql.length : end + 2);
      line += skipped.split('\n').length - 1;
      i = end < 0 ? sql.length : end + 2;
      text += ' ';
      continue;
    }
    if (ch === '\n') {
      line += 1;
      // A blank line ends a comment block that was not followed by a statement.
      if (startLine === 0 && sql[i + 1] === '\n') comments = [];
      text += ' ';
      raw += ch;
      i += 1;
      continue;
    }
    if (startLine === 0 && /\s/.test(ch)) {
      i += 1;
      continue;
    }
    if (startLine === 0) startLine = line;
    if (ch === "'" || ch === '"') {
      // A quoted literal or identifier: its content is never a keyword.
      let j = i + 1;
      while (j < sql.length && !(sql[j] === ch && sql[j + 1] !== ch)) j += sql[j] === ch ? 2 : 1;
      const quoted = sql.slice(i, j + 1);
      line += quoted.split('\n').length - 1;
      raw += quoted;
      text += ch === "'" ? "''" : quoted;
      i = j + 1;
      continue;
    }
    const dollar = ch === '$' ? /^\$[A-Za-z_]*\$/.exec(sql.slice(i)) : null;
    if (dollar) {
      // A function body: its statements run when the function is called, not at migration time.
      const tag = dollar[0];
      const end = sql.indexOf(tag, i + tag.length);
      const body = sql.slice(i, end < 0 ? sql.length : end + tag.length);
      line += body.split('\n').length - 1;
      raw += body;
      text += ' $BODY$ ';
      i = end < 0 ? sql.length : end + tag.length;
      continue;
    }
    if (ch === ';') {
      push();
      i += 1;
      continue;
    }
    text += ch;
    raw += ch;
    i += 1;
  }
  push();
  return out;
}

const identifier = String.raw`(?:IF NOT EXISTS |IF EXISTS |ONLY )?("?[A-Z_][A-Z0-9_$]*"?(?:\."?[A-Z_][A-Z0-9_$]*"?)?)`;
const create_table = new RegExp(String.raw`^CREATE (?:UNLOGGED |TEMP |TEMPORARY )?TABLE ${identifier}`);
const alter_table = new RegExp(String.raw`^ALTER TABLE ${identifier}`);
const create_unique_index = new RegExp(String.raw`^CREATE UNIQUE INDEX (?:CONCURRENTLY )?(?:IF NOT EXISTS )?(?:"?[A-Z_][A-Z0-9_$]*"? )?ON ${identifier}`);
const create_function = new RegExp(String.raw`^CREATE (OR REPLACE )?(?:FUNCTION|PROCEDURE|VIEW|MATERIALIZED VIEW) ${identifier}`);

function bare(name: string): string {
  return name.replace(/"/g, '').replace(/^PUBLIC\./, '');
}

/** Splits an ALTER TABLE's action list at top-level commas. */
function actions(alter: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of alter) {
    if (ch === '(') depth += 1;
    if (ch === ')') depth -= 1;
    if (ch === ',' && depth === 0) {
      out.push(current.trim());
      current = '';
    } else current += ch;
  }
  out.push(current.trim());
  return out;
}

/** Why one ALTER TABLE action on an existing table can break release N−1, or null. */
function alterActionRule(action: string): string | null {
  if (/^RENAME\b/.test(action)) return 'RENAME';
  if (/^DROP (?:COLUMN |CONSTRAINT )?/.test(action)) return /^DROP CONSTRAINT/.test(action) ? 'DROP CONSTRAINT' : 'DROP COLUMN';
  if (/^ALTER (?:COLUMN )?\S+ (?:SET DATA )?TYPE\b/.test(action)) return 'ALTER COLUMN TYPE';
  if (/^ALTER (?:COLUMN )?\S+ SET NOT NULL\b/.test(action)) return 'SET NOT NULL';
  if (/^ALTER (?:COLUMN )?\S+ DROP DEFAULT\b/.test(action)) return 'DROP DEFAULT';
  if (/^ADD (?:CONSTRAINT \S+ )?(?:PRIMARY KEY|UNIQUE|CHECK|FOREIGN KEY|EXCLUDE)\b/.test(action)) return 'ADD CONSTRAINT';
  if (/^ADD (?:COLUMN )?/.test(action) && /\bNOT NULL\b/.test(action) && !/\bDEFAULT\b/.test(action) && !/\bGENERATED\b/.test(action)) return 'ADD COLUMN NOT NULL without DEFAULT';
  return null;
}

/** Whether a statement's leading comments carry a marked reason. */
export function hasExpandException(comments: readonly string[]): boolean {
  return comments.some((comment) => comment.startsWith(expand_exception_marker) && comment.slice(expand_exception_marker.length).trim().length >= expand_exception_min_reason);
}

/**
 * The statements of the migrations (in order, `{file, sql}`) that are not expand-only and carry
 * no marked reason. Tables and functions made by an earlier statement (any file) are "existing"
 * for the later ones only from the next file on: within its own file a new table may be shaped
 * freely, since no earlier release ever saw it.
 */
export function contractingStatements(migrations: ReadonlyArray<{ file: string; sql: string }>): ContractingStatement[] {
  const found: ContractingStatement[] = [];
  const functionsBefore = new Set<string>();
  for (const { file, sql } of migrations) {
    const newTables = new Set<string>();
    const newFunctions = new Set<string>();
    for (const statement of splitStatements(sql)) {
      const { text } = statement;
      const rules: string[] = [];
      const created = create_table.exec(text);
      if (created?.[1]) newTables.add(bare(created[1]));
      const fn = create_function.exec(text);
      if (fn?.[2]) {
        const name = bare(fn[2]);
        if (fn[1] && functionsBefore.has(name)) rules.push('CREATE OR REPLACE of an earlier migration\'s function');
        newFunctions.add(name);
      }
      if (/^DROP (?:TABLE|VIEW|MATERIALIZED VIEW|INDEX|FUNCTION|PROCEDURE|TRIGGER|TYPE|DOMAIN|SCHEMA|SEQUENCE)\b/.test(text)) rules.push(text.split(' ').slice(0, 2).join(' '));
      if (/^ALTER (?:INDEX|SEQUENCE|VIEW|FUNCTION|SCHEMA|TRIGGER)\b.* RENAME\b/.test(text)) rules.push('RENAME');
      if (/^ALTER (?:TYPE|DOMAIN)\b/.test(text) && !/ ADD VALUE\b/.test(text)) rules.push('ALTER TYPE');
      if (/^TRUNCATE\b/.test(text)) rules.push('TRUNCATE');
      if (/^DELETE FROM\b/.test(text)) rules.push('DELETE');
      const altered = alter_table.exec(text);
      if (altered?.[1] && !newTables.has(bare(altered[1]))) {
        for (const action of actions(text.slice(altered[0].length))) {
          const rule = alterActionRule(action);
          if (rule) rules.push(rule);
        }
      }
      const unique = create_unique_index.exec(text);
      if (unique?.[1] && !newTables.has(bare(unique[1]))) rules.push('CREATE UNIQUE INDEX on an existing table');
      if (rules.length > 0 && !hasExpandException(statement.comments)) {
        for (const rule of [...new Set(rules)]) found.push({ file, line: statement.line, rule, statement: statement.first });
      }
    }
    for (const name of newFunctions) functionsBefore.add(name);
  }
  return found;
}
