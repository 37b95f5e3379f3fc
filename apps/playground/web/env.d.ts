// The examples, read from the repository by vite.config.ts at build time.
declare module 'virtual:examples' {
  const examples: readonly { readonly name: string; readonly title: string; readonly source: string; readonly kind: 'topic' | 'app' }[];
  export default examples;
}

// The in-browser type-check's files: TypeScript's ES2022 library and the importable packages' sources, by path.
declare module 'virtual:typecheck-files' {
  const files: Readonly<Record<string, string>>;
  export default files;
}

// Vite: a file's URL in the built site, copied as it is.
declare module '*?url' {
  const url: string;
  export default url;
}
