import type { ForgeAnswer } from './http.js';
import type { ForgeKind } from './target.js';

/** What a token needs for one request, in each forge's words, for messages when it is refused. */
export interface Needs {
  /** GitHub classic token scope or GitLab token scope */
  readonly scope: string;
  /** GitHub fine-grained permission (`Administration: read`) or GitLab role (`Maintainer`) */
  readonly permission: string;
}

/**
 * Why the forge refused a request, naming what the token lacks: GitHub's
 * `X-Accepted-GitHub-Permissions` (fine-grained tokens and Apps) and `X-Accepted-OAuth-Scopes` /
 * `X-OAuth-Scopes` (classic tokens), GitLab's `insufficient_scope` with the scopes it wants; the
 * request's own needs when the answer says nothing (GitHub answers 404 to who may not see a setting).
 */
export function refusalMessage(kind: ForgeKind, answer: ForgeAnswer, needs: Needs, tokenSource: string | undefined): string {
  const body = (answer.body ?? {}) as { message?: unknown; error?: unknown; scope?: unknown; error_description?: unknown };
  const said = typeof body.message === 'string' ? body.message : typeof body.error_description === 'string' ? body.error_description : '';
  const token = tokenSource ? `the token from ${tokenSource}` : 'no token (set one)';
  if (kind === 'gitlab') {
    if (body.error === 'insufficient_scope') {
      const scopes = typeof body.scope === 'string' ? body.scope.split(/\s+/).join(' or ') : needs.scope;
      return `${token} lacks the scope ${scopes} (GitLab: insufficient_scope)`;
    }
    if (answer.status === 401) return `${token} was not accepted (401): it needs the scope ${needs.scope}`;
    return `${answer.status} ${said || 'refused'}: needs the ${needs.permission} role and the token scope ${needs.scope}`;
  }
  const fineGrained = answer.headers['x-accepted-github-permissions'];
  if (fineGrained) return `${token} lacks the permission ${formatPermissions(fineGrained)} (GitHub: ${answer.status} ${said || 'refused'})`;
  const accepted = answer.headers['x-accepted-oauth-scopes'];
  const has = answer.headers['x-oauth-scopes'];
  if (accepted !== undefined && accepted.trim() !== '') {
    return `${token} lacks the scope ${accepted.split(/,\s*/).join(' or ')} (it has ${has?.trim() ? has : 'none'}; GitHub: ${answer.status} ${said || 'refused'})`;
  }
  if (answer.status === 401) return `${token} was not accepted (401 ${said || 'Bad credentials'})`;
  return `${answer.status} ${said || 'refused'}: needs admin access to the repository (classic token scope ${needs.scope}, fine-grained permission ${needs.permission})`;
}

/** `administration=read; contents=read` → `Administration: read and Contents: read` */
function formatPermissions(header: string): string {
  return header.split(/[;,]\s*/).filter(Boolean).map((pair) => {
    const [name = '', level = ''] = pair.split('=');
    const title = name.replace(/_/g, ' ').replace(/^\w/, (letter) => letter.toUpperCase());
    return level ? `"${title}: ${level}"` : `"${title}"`;
  }).join(' and ');
}
