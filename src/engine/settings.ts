import type { DependencySettings } from '../deps/check.js';
import type { ForgeSettings } from '../forge/collect.js';
import type { RegistryClient } from '../resolve/types.js';
import type { HistoryScan } from '../secrets/history/scan-history.js';
import type { ChangeUnderReview } from '../sources/git/change-under-review.js';
import type { PolicyInput } from '../verify/image/image-policy.js';
import type { KeylessSigner } from '../verify/keyless-signer.js';
import type { ImageVerifySession } from '../verify/image/verify-session.js';

/**
 * What a scan was asked to do beyond reading the tree. Each capability's owner adds its fields;
 * rules read them through `context.settings`. Nothing here may hold a live secret.
 */
export interface ScanSettings {
  /** git history scanning (`--history`, `--since`, `--range`, `--staged`) */
  readonly history?: {
    readonly enabled: boolean;
    readonly since?: string;
    readonly range?: string;
    readonly staged?: boolean;
    /** the history scan, started by the CLI before the tree is read so that both run at once */
    readonly scan?: Promise<HistoryScan>;
    /** `--since`/`--range`: the pull request under review, whose policy files were read at its base */
    readonly review?: ReviewedChange;
  };
  /** registry resolution (`--resolve`) */
  readonly resolve?: {
    readonly enabled: boolean;
    readonly insecureRegistries?: readonly string[];
    /** the client `--resolve` rules (and signature checks) share, so each reference is resolved once */
    readonly client?: RegistryClient;
  };
  /** signature verification (`--verify`, `--allowed-signers`, …) */
  readonly verify?: VerifySettings;
  /** forge settings (`--forge`, `rampart forge`): the repository on GitHub or GitLab and the client to ask */
  readonly forge?: ForgeSettings;
  /** remote dependencies (`scan --deps`, `rampart deps verify`): fetch them, check the lock, scan what they hold */
  readonly deps?: DependencySettings;
  /** the scanned repository itself: its git remotes as `host/org/repo` (from `.git/config`, no network) */
  readonly repository?: {
    readonly remotes: readonly string[];
  };
}

/** Signature verification: paths to public trust material (keys, roots, signer lists), never secrets. */
export interface VerifySettings extends Omit<PolicyInput, 'attestationType'> {
  /** `--verify`: check the signatures of every image the repository references */
  readonly images?: boolean;
  /** `--allowed-signers`: OpenSSH allowed_signers for SSH-signed commits and tags */
  readonly allowedSigners?: string;
  /** `--gpg-keyring`: exported OpenPGP public keys for PGP-signed commits and tags */
  readonly gpgKeyring?: string;
  /** trust files named by the repository's own config: the directory they must stay within, per file */
  readonly repositoryFilesWithin?: { readonly directory: string; readonly files: readonly string[] };
  /** `--require-signed-since`: commits before this revision need no signature */
  readonly requireSignedSince?: string;
  /** `--tags`: verify tags as well as commits */
  readonly tags?: boolean;
  /** long-lived policies and a caching verifier (the admission webhook); a scan builds its own otherwise */
  readonly session?: ImageVerifySession;
  /** `--rekor-url`: look up the Rekor entries of gitsign signatures made in online mode (network) */
  readonly rekorUrl?: string;
  /** gitsign signers of commits when `verify.commits` of the config names some (flags win field by field); otherwise the identity flags apply */
  readonly commitSigner?: KeylessSigner;
  /** the config file whose `verify.commits` turned commit checks on (no flag did): outside git they are skipped with a note */
  readonly commitPolicyFrom?: string;
}

/** A file that decides what the scan reports or trusts, which the change under review edits. */
export interface PolicyFileChange {
  /** what the file is to the scan: `config`, `baseline`, `allowed signers`… */
  readonly role: string;
  /** relative to the scanned directory (`../x` when it is above it in the repository) */
  readonly path: string;
  readonly status: 'added' | 'modified' | 'removed';
}

export interface ReviewedChange extends ChangeUnderReview {
  /** the policy files the change edits: the scan applied the base's version of each */
  readonly policyChanges: readonly PolicyFileChange[];
}
