/*
 * Module hooks for the tsel4 process, so that a user's program outside this repository runs as
 * written: its imports of @tsel4/* resolve to this repository's packages (the same module
 * instances the machine uses), and its .ts/.js files load as ES modules even where no
 * package.json says "type": "module".
 */
let fallbackParent;
let repoRoot;

export function initialize(data) {
  fallbackParent = data.parentURL;
  repoRoot = data.repoURL;
}

export async function resolve(specifier, context, nextResolve) {
  let r;
  try {
    r = await nextResolve(specifier, context);
  } catch (e) {
    if (specifier.startsWith('@tsel4/') && e?.code === 'ERR_MODULE_NOT_FOUND' && fallbackParent !== undefined) {
      try {
        return await nextResolve(specifier, { ...context, parentURL: fallbackParent });
      } catch {
        // not one of ours either (a typo): the error that names the user's file
      }
    }
    throw e;
  }
  if (repoRoot !== undefined && r.url.startsWith('file:') && !r.url.startsWith(repoRoot) && /\.(ts|js)$/.test(r.url) && r.format !== 'module') {
    return { ...r, format: 'module' };
  }
  return r;
}
