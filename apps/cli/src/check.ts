/*
 * `tsel4 check FILE.ts` (and what `tsel4 run` does before running a .ts program): type-check a
 * user program against the project's own types (every @tsel4/* import resolves to this
 * repository's package sources), and find the two mistakes a generator thread makes that
 * TypeScript alone lets through or reports obscurely:
 *
 * - a syscall that is never made: an expression statement whose value is a syscall (its type
 *   iterates TrapTokens: a stub's Syscall or a helper's Generator), e.g. `L.seL4_Signal(n);`
 *   without `yield*`;
 * - a plain `yield` in a thread (a generator whose yields are TrapTokens): `yield*` was meant.
 *
 * Only the user's files are checked (the packages are type-checked by the project's own build);
 * each finding is one line, file:line:col, as tsc writes them.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import type * as TS from 'typescript';

// required, not imported: loading typescript's 9 MB CommonJS file as an ES module costs seconds
// (Node scans it for named exports); require is a fraction of that
const ts = createRequire(import.meta.url)('typescript') as typeof TS;

/** The repository root (this CLI lives in apps/cli/src). */
const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** A finding: where and what. */
export interface Finding {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

function options(): TS.CompilerOptions {
  return {
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts'],
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    allowJs: false,
    types: [],
    baseUrl: REPO,
    paths: { '@tsel4/*': ['packages/*/src/index.ts'] },
  };
}

/** Whether `t` is a generator or iterable of TrapTokens (a syscall, or a helper that makes them). */
function yieldsTrapTokens(checker: TS.TypeChecker, t: TS.Type, at: TS.Node): boolean {
  if (/^Syscall</.test(checker.typeToString(t))) return true;
  const next = checker.getPropertyOfType(t, 'next');
  if (next === undefined) return false;
  const sig = checker.getTypeOfSymbolAtLocation(next, at).getCallSignatures()[0];
  return sig !== undefined && /\bTrapToken\b/.test(checker.typeToString(checker.getReturnTypeOfSignature(sig), undefined, ts.TypeFormatFlags.NoTruncation));
}

function enclosingFunction(n: TS.Node): TS.FunctionLikeDeclaration | undefined {
  for (let p = n.parent; p !== undefined; p = p.parent) {
    if (ts.isFunctionLike(p)) return p as TS.FunctionLikeDeclaration;
  }
  return undefined;
}

/** The syscall-specific findings in one source file. */
function lint(sf: TS.SourceFile, checker: TS.TypeChecker): Finding[] {
  const out: Finding[] = [];
  const at = (n: TS.Node, message: string) => {
    const { line, character } = sf.getLineAndCharacterOfPosition(n.getStart(sf));
    out.push({ file: sf.fileName, line: line + 1, column: character + 1, message });
  };
  const visit = (n: TS.Node): void => {
    if (ts.isExpressionStatement(n) && !ts.isYieldExpression(n.expression)) {
      const t = checker.getTypeAtLocation(n.expression);
      if (yieldsTrapTokens(checker, t, n)) {
        const text = n.expression.getText(sf).replace(/\s+/g, ' ');
        at(n, `this syscall is never made: '${text.length > 60 ? text.slice(0, 57) + '...' : text}' only makes a generator; write 'yield* ${text.length > 40 ? '...' : text}'`);
      }
    }
    if (ts.isYieldExpression(n) && n.asteriskToken === undefined) {
      const fn = enclosingFunction(n);
      const sig = fn === undefined ? undefined : checker.getSignatureFromDeclaration(fn);
      if (sig !== undefined && yieldsTrapTokens(checker, checker.getReturnTypeOfSignature(sig), n)) {
        at(n, "a plain 'yield' in a thread stops it with a user exception; a syscall is 'yield*'");
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** The last program checked: the next check reuses its unchanged files (lib, packages). */
let previous: TS.Program | undefined;

/** Type-check `file` (and the user's files it imports); the findings, in file order. */
export function checkProgram(file: string): Finding[] {
  const program = ts.createProgram({ rootNames: [file], options: options(), ...(previous === undefined ? {} : { oldProgram: previous }) });
  previous = program;
  const checker = program.getTypeChecker();
  const out: Finding[] = [];
  const mine = program.getSourceFiles().filter((sf) => !sf.isDeclarationFile && !sf.fileName.startsWith(join(REPO, 'packages')) && !sf.fileName.includes('/node_modules/'));
  const diags = [...program.getOptionsDiagnostics(), ...mine.flatMap((sf) => [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)])];
  for (const d of diags) {
    if (d.file === undefined || d.start === undefined) {
      out.push({ file, line: 0, column: 0, message: ts.flattenDiagnosticMessageText(d.messageText, ' ') });
      continue;
    }
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    out.push({ file: d.file.fileName, line: line + 1, column: character + 1, message: `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}` });
  }
  for (const sf of mine) out.push(...lint(sf, checker));
  return out.sort((a, b) => (a.file === b.file ? a.line - b.line || a.column - b.column : a.file < b.file ? -1 : 1));
}

/** The source line of a finding with a caret under its column (as tsc --pretty shows it). */
export function codeFrame(file: string, line: number, column: number): string {
  let src: string | undefined;
  try {
    src = readFileSync(file, 'utf8').split('\n')[line - 1];
  } catch {
    return '';
  }
  if (src === undefined) return '';
  const n = String(line);
  return `  ${n} | ${src}\n  ${' '.repeat(n.length)} | ${src.slice(0, column - 1).replace(/[^\t]/g, ' ')}^\n`;
}

/** Each finding: file:line:col (relative to `cwd` when below it): message, then its code frame. */
export function formatFindings(findings: readonly Finding[], cwd: string): string {
  return findings
    .map((f) => {
      const rel = relative(cwd, f.file);
      const shown = rel.startsWith('..') ? f.file : rel;
      return `${shown}:${f.line}:${f.column}: ${f.message}\n${f.line > 0 ? codeFrame(f.file, f.line, f.column) : ''}`;
    })
    .join('');
}

