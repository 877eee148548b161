/**
 * Whether the signed-in token may write to a repo, decided from whoami before anything is sent: the
 * token's role (write/admin, or a fine-grained token whose permissions include repo.write for the
 * repo, its owner or globally) and whether the namespace is the user's or an organization where the
 * user may write. The Hub decides in the end; this turns its bare 403 into a sentence with the fix.
 */
import { command, surface } from '../surface/names';
import type { WhoAmI } from './hubApi';

/** "sign in with it" in this surface's words: the command in VS Code, HF_TOKEN or `hf auth login` on the CLI. */
export const signInWithIt = (): string =>
  surface().id === 'cli' ? 'use it: set HF_TOKEN or run `hf auth login`' : `sign in with it (${command('AI Lab: Sign In to Hugging Face')})`;

/** Where a write token is made (the Hub's settings page); named in every "read token" message. */
export const TOKEN_SETTINGS_URL = 'https://huggingface.co/settings/tokens';

export type WriteRefusal =
  /** The token is read-only (role read, or a fine-grained token without repo.write there): a new token fixes it. */
  | { kind: 'read-token'; message: string }
  /** The namespace belongs to someone else (another user, or an org where the user cannot write). */
  | { kind: 'no-rights'; message: string };

const WRITE_ROLES = new Set(['write', 'admin']);
const ORG_WRITE_ROLES = new Set(['write', 'admin', 'contributor']);

/**
 * Where to make a token for `endpoint`'s Hub: always huggingface.co's settings page. Mirrors
 * (HF_ENDPOINT) pass huggingface.co tokens through and have no settings page of their own.
 */
export function tokenSettingsUrl(_endpoint: string): string {
  return TOKEN_SETTINGS_URL;
}

/**
 * Why `me`'s token may not write to `repoId` ("namespace/name"), or undefined when it may as far as
 * whoami tells. `settingsUrl`: where to make a write token (put in the message).
 */
export function writeRefusal(me: WhoAmI, repoId: string, settingsUrl = TOKEN_SETTINGS_URL): WriteRefusal | undefined {
  const namespace = repoId.split('/')[0] ?? '';
  const own = namespace === me.name;
  const orgRole = me.orgRoles?.[namespace];
  // An org listed without a role (an older whoami) is taken as writable; the Hub refuses if not.
  const inOrg = me.orgs.includes(namespace) && (orgRole === undefined || ORG_WRITE_ROLES.has(orgRole));
  if (!own && !inOrg) {
    const where = [me.name, ...me.orgs.filter((o) => me.orgRoles?.[o] === undefined || ORG_WRITE_ROLES.has(me.orgRoles[o]!))];
    const why = me.orgs.includes(namespace) ? `your role in the organization ${namespace} is ${orgRole}, which cannot create or change repos` : `${namespace} is another user or an organization you are not a member of`;
    return { kind: 'no-rights', message: `${me.name} cannot publish to ${repoId}: ${why}. Publish under a namespace you can write to (${where.map((w) => `${w}/…`).join(', ')}).` };
  }
  const role = me.tokenRole;
  if (role && WRITE_ROLES.has(role)) return undefined;
  if (role === 'fineGrained') {
    const fg = me.fineGrained;
    const ownerType = own ? 'user' : 'org';
    const ok =
      fg?.global.includes('repo.write') ||
      fg?.scoped.some((s) => s.permissions.includes('repo.write') && ((s.type === ownerType && s.name === namespace) || (s.type === 'model' && s.name === repoId)));
    if (ok) return undefined;
    return { kind: 'read-token', message: `The token "${me.tokenName ?? 'unnamed'}" is fine-grained without "Write access to contents/settings of repos" for ${repoId}. Add that permission for ${namespace} (or the repo) at ${settingsUrl}, or make a token with the write role there, and ${signInWithIt()}.` };
  }
  return { kind: 'read-token', message: `The token "${me.tokenName ?? 'unnamed'}" has the ${role ?? 'unknown'} role: it can download but not publish. Create a token with the write role at ${settingsUrl} and ${signInWithIt()}.` };
}
