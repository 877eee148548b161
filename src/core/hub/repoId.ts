/**
 * The Hub's naming rules for a repo id ("namespace/name"), checked before any request so a bad name
 * gets a sentence that says what to change rather than the Hub's 400. The rules are huggingface_hub's
 * validate_repo_id: letters, digits, "-", "_" and "."; each part starts and ends with a letter or digit
 * (or "_"); no "--" or ".."; the name is at most 96 characters and does not end in ".git".
 */

const PART = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/;

/** Why `id` is not a repo id the Hub accepts, or undefined when it is. A bare name (no "/") is allowed. */
export function repoIdProblem(id: string): string | undefined {
  const raw = id.trim();
  if (!raw) return 'The repo id is empty: give "namespace/name", e.g. your-name/my-model.';
  const parts = raw.split('/');
  if (parts.length > 2) return `"${raw}" has ${parts.length - 1} slashes: a repo id is "namespace/name" (one slash).`;
  const name = parts.at(-1)!;
  const namespace = parts.length === 2 ? parts[0]! : undefined;
  for (const [what, part] of [...(namespace !== undefined ? [['namespace', namespace]] : []), ['name', name]] as Array<[string, string]>) {
    if (!part) return `"${raw}" has an empty ${what}: give "namespace/name".`;
    const bad = [...part].filter((c) => !/[A-Za-z0-9_.-]/.test(c));
    if (bad.length) return `The ${what} "${part}" has characters the Hub does not allow (${[...new Set(bad)].map((c) => JSON.stringify(c)).join(', ')}): use letters, digits, "-", "_" and ".".`;
    if (!PART.test(part)) return `The ${what} "${part}" must start and end with a letter or digit (not "-" or ".").`;
    if (part.includes('--') || part.includes('..')) return `The ${what} "${part}" has "--" or "..", which the Hub does not allow.`;
  }
  if (name.length > 96) return `The name "${name.slice(0, 20)}…" is ${name.length} characters; the Hub allows at most 96.`;
  if (name.toLowerCase().endsWith('.git')) return `The name "${name}" ends in ".git", which the Hub does not allow.`;
  return undefined;
}

/** `id` with the namespace `user` when it has none ("my-model" -> "user/my-model"), trimmed. */
export function qualifyRepoId(id: string, user: string): string {
  const raw = id.trim();
  return raw.includes('/') ? raw : `${user}/${raw}`;
}

/**
 * A repo name made from a folder name (the VS Code prompt's default): characters the Hub does not allow
 * become "-", runs and ends are cleaned, at most 96 characters; "model" when nothing is left.
 */
export function repoNameFrom(folderName: string): string {
  const s = folderName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[-.]+|[-.]+$/g, '')
    .replace(/\.git$/i, '')
    .slice(0, 96)
    .replace(/[-.]+$/g, '');
  return s || 'model';
}
