import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createSigningFixture, type SigningFixture } from '../commits-repo.js';

export interface DeployRepoFixture {
  readonly fixture: SigningFixture;
  /** signed (by a trusted key) and unsigned commits on main, and a signed one on the hotfix branch only */
  readonly revisions: { readonly signed: string; readonly unsigned: string; readonly side: string };
}

/** A real git repository deployments are judged against: one manifest, then signed, unsigned and off-branch commits. */
export function createDeployRepo(manifest: string, text: string, remote?: string): DeployRepoFixture {
  const fixture = createSigningFixture();
  if (remote) fixture.git(['remote', 'add', 'origin', remote]);
  mkdirSync(path.dirname(path.join(fixture.repo, manifest)), { recursive: true });
  writeFileSync(path.join(fixture.repo, manifest), text);
  fixture.git(['add', manifest]);
  const signed = fixture.commit('manifests', { signWith: 'ssh', sshKey: 'alice' });
  const unsigned = fixture.commit('unsigned change');
  fixture.git(['checkout', '-q', '-b', 'hotfix']);
  const side = fixture.commit('side branch, signed', { signWith: 'ssh', sshKey: 'alice' });
  fixture.git(['checkout', '-q', 'main']);
  return { fixture, revisions: { signed, unsigned, side } };
}
