import type { DeployedRevision, RunningImages } from '../argocd-apps.js';
import type { DeployRepository } from '../deploy-repository.js';
import type { JudgeContext } from '../watcher.js';

const UNVERIFIED = 'deploy-revision-unverified';
const IMAGE = 'deploy-image-not-in-git';

/** Judges revisions against the clone: each (deployer, revision) once, however many records name it. */
export class DeploymentJudge {
  private readonly seen = new Set<string>();
  private readonly seenImages = new Set<string>();

  constructor(private readonly repository: DeployRepository, private readonly context: JudgeContext) {}

  async revision(deployed: DeployedRevision): Promise<void> {
    const key = `${deployed.deployer}\0${deployed.revision}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const { repository, context } = this;
    if (!(await this.inClone(UNVERIFIED, deployed))) return;
    const base = {
      origin: deployed.origin,
      subject: `${deployed.deployer}@${deployed.revision}`,
      summary: `${deployed.deployer} synced ${deployed.revision.slice(0, 12)} (${deployed.recordedIn})`,
    };
    const properties = {
      deployer: deployed.deployer,
      revision: deployed.revision,
      repoURL: deployed.repoURL,
      ...(deployed.path ? { path: deployed.path } : {}),
      recordedIn: deployed.recordedIn,
      ...(deployed.time ? { time: deployed.time } : {}),
      ...(deployed.initiatedBy ? { initiatedBy: deployed.initiatedBy } : {}),
    };
    const data = { deployer: deployed.deployer, revision: deployed.revision.slice(0, 12), recordedIn: deployed.recordedIn };
    if (repository.checksSignatures) {
      const verdict = await repository.verdict(deployed.revision);
      if (verdict && verdict.status === 'unsigned') context.report(UNVERIFIED, { ...base, messageId: 'unsigned', data, properties });
      if (verdict && verdict.status === 'untrusted') context.report(UNVERIFIED, { ...base, messageId: 'untrusted', data: { ...data, detail: verdict.detail }, properties: { ...properties, reason: verdict.reason } });
    }
    if (!(await repository.isOnProtectedBranch(deployed.revision))) {
      context.report(UNVERIFIED, { ...base, subject: `${base.subject}#branch`, messageId: 'offBranch', data: { ...data, branch: repository.protectedBranch }, properties });
    }
  }

  /** Whether the revision can be judged here: its source is this clone, and the clone has it. */
  private async inClone(ruleId: string, deployed: { deployer: string; revision: string; repoURL: string }): Promise<boolean> {
    if (deployed.repoURL && !this.repository.matches(deployed.repoURL)) {
      this.context.unjudged(ruleId, 'the source is another repository than --repo', deployed.repoURL);
      return false;
    }
    if (await this.repository.hasCommit(deployed.revision)) return true;
    if (!deployed.repoURL) {
      this.context.unjudged(ruleId, 'the revision is not in the --repo clone, and what the record names deploys from an unknown source (give --argocd-apps, or fetch)', `${deployed.deployer} ${deployed.revision.slice(0, 12)}`);
      return false;
    }
    this.context.unjudged(ruleId, 'the revision is not in the --repo clone (fetch it; a revision no branch of the origin has was deployed from elsewhere)', `${deployed.deployer} ${deployed.revision.slice(0, 12)}`);
    return false;
  }

  async images(running: RunningImages): Promise<void> {
    const { repository, context } = this;
    if (!(await this.inClone(IMAGE, running))) return;
    const declared = await repository.declaredAt(running.revision, running.path);
    for (const image of running.images) {
      const key = `${running.deployer}\0${running.revision}\0${image}`;
      if (this.seenImages.has(key)) continue;
      this.seenImages.add(key);
      if (declares(declared.text, image)) continue;
      if (declared.pullsRemote) {
        context.unjudged(IMAGE, 'the path pulls remote bases, charts or sources, whose images are not in this repository', running.deployer);
        continue;
      }
      context.report(IMAGE, {
        messageId: 'notDeclared',
        data: { deployer: running.deployer, image, revision: running.revision.slice(0, 12), path: running.path || '.' },
        origin: running.origin,
        subject: `${running.deployer}@${running.revision}:${image}`,
        summary: `${running.deployer} runs ${image}`,
        properties: { deployer: running.deployer, image, revision: running.revision, repoURL: running.repoURL, path: running.path || '.', filesRead: declared.files, ...(running.subject ? { pod: running.subject } : {}) },
      });
    }
  }
}

/**
 * Whether the manifests declare an image. A digest must appear as it is; a tag must appear with the
 * image's name (`repo:tag`), or, as Helm values and Kustomize `images:` split them, the last part of
 * the name and the tag each as a value in the same text.
 */
export function declares(text: string, image: string): boolean {
  const at = image.indexOf('@');
  if (at >= 0) return text.includes(image.slice(at + 1));
  if (text.includes(image)) return true;
  const colon = image.lastIndexOf(':');
  const slash = image.lastIndexOf('/');
  const name = colon > slash ? image.slice(0, colon) : image;
  const tag = colon > slash ? image.slice(colon + 1) : 'latest';
  const shortName = name.slice(name.lastIndexOf('/') + 1);
  if (!text.includes(shortName)) return false;
  const tagValue = new RegExp(`(?:^|[\\s:"'=])v?${escapeRegExp(tag.replace(/^v/, ''))}(?:["'\\s,}]|$)`, 'm');
  return tagValue.test(text);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
