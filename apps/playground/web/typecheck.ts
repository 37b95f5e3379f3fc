/*
 * The playground's type-check, without a worker around it (the Node tests run it too): the
 * TypeScript compiler checks a program against the TypeScript sources of the packages it can
 * import, with the repository's strict options, and warns where a syscall is called without
 * `yield*` (no syscall happens) or with a plain `yield` (the thread stops with a user exception).
 * The compiler is passed in (the worker fetches it; Node imports it).
 */
import type * as TS from 'typescript';

export interface Diagnostic {
  readonly from: number;
  readonly to: number;
  readonly severity: 'error' | 'warning';
  readonly message: string;
}

const MAIN = '/program.ts';

/** A type-checker over a fixed set of files; `check` can be called again with a new program (incremental). */
export class TypeCheck {
  private program: TS.Program | undefined;
  private readonly cache = new Map<string, TS.SourceFile>();

  constructor(
    private readonly t: typeof TS,
    private readonly files: Readonly<Record<string, string>>,
  ) {}

  /** The program's errors and syscall warnings, positions as offsets in `source`. */
  check(source: string): Diagnostic[] {
    const t = this.t;
    const files = this.files;
    const cache = this.cache;
    const options: TS.CompilerOptions = {
      target: t.ScriptTarget.ES2022,
      module: t.ModuleKind.ESNext,
      moduleResolution: t.ModuleResolutionKind.Bundler,
      strict: true,
      noUncheckedIndexedAccess: true,
      noEmit: true,
      skipLibCheck: true,
      lib: ['lib.es2022.d.ts'],
      types: [],
      paths: { '@tsel4/*': ['/pkg/*/src/index.ts'] },
    };
    const host: TS.CompilerHost = {
      getSourceFile: (name, lang) => {
        if (name === MAIN) return t.createSourceFile(name, source, lang, true);
        let sf = cache.get(name);
        const text = files[name];
        if (sf === undefined && text !== undefined) {
          sf = t.createSourceFile(name, text, lang, true);
          cache.set(name, sf);
        }
        return sf;
      },
      getDefaultLibFileName: () => '/lib/lib.es2022.d.ts',
      getDefaultLibLocation: () => '/lib',
      writeFile: () => undefined,
      getCurrentDirectory: () => '/',
      getCanonicalFileName: (f) => f,
      useCaseSensitiveFileNames: () => true,
      getNewLine: () => '\n',
      fileExists: (f) => f === MAIN || f in files,
      readFile: (f) => (f === MAIN ? source : files[f]),
      directoryExists: (d) => d === '/' || Object.keys(files).some((f) => f.startsWith(d.endsWith('/') ? d : d + '/')),
      getDirectories: () => [],
    };
    const program = t.createProgram([MAIN], options, host, this.program);
    this.program = program;
    const sf = program.getSourceFile(MAIN)!;
    const out: Diagnostic[] = [];
    for (const d of [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]) {
      const from = d.start ?? 0;
      out.push({ from, to: from + (d.length ?? 0), severity: 'error', message: t.flattenDiagnosticMessageText(d.messageText, '\n') });
    }
    out.push(...syscallWarnings(t, program.getTypeChecker(), sf));
    return out;
  }
}

/** A value whose type is a syscall or a helper making one: Generator<TrapToken, ...>. */
function isSyscall(t: typeof TS, checker: TS.TypeChecker, e: TS.Expression): boolean {
  const text = checker.typeToString(checker.getTypeAtLocation(e), undefined, t.TypeFormatFlags.NoTruncation);
  return /^(Generator|Syscall)<TrapToken\b/.test(text) || /^Syscall</.test(text);
}

function syscallWarnings(t: typeof TS, checker: TS.TypeChecker, sf: TS.SourceFile): Diagnostic[] {
  const out: Diagnostic[] = [];
  const visit = (n: TS.Node): void => {
    if (t.isExpressionStatement(n) && t.isCallExpression(n.expression) && isSyscall(t, checker, n.expression)) {
      out.push({ from: n.expression.getStart(sf), to: n.expression.getEnd(), severity: 'warning', message: 'this call makes no syscall: a syscall or a helper that makes one needs yield* (yield* L.seL4_Yield())' });
    }
    if (t.isYieldExpression(n) && n.asteriskToken === undefined && n.expression !== undefined && isSyscall(t, checker, n.expression)) {
      out.push({ from: n.getStart(sf), to: n.getEnd(), severity: 'warning', message: 'a plain yield of a syscall stops the thread with a user exception: use yield*' });
    }
    t.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

