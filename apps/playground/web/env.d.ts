// The examples, read from the repository by vite.config.ts at build time.
declare module 'virtual:examples' {
  const examples: readonly { readonly name: string; readonly title: string; readonly source: string; readonly kind: 'topic' | 'app' }[];
  export default examples;
}
