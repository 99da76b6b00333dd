import { decodedDataMatches, isGeneric, plaintextValues, claimable, claimedByManifest } from '../kubernetes-secret.js';
import { DETECTORS } from '../catalogue.js';
import { findSecrets, type ChangedRange } from '../scan-text.js';
import type { HitMatch } from './draft-hits.js';
import { secretsInChangedDocuments } from './secret-documents.js';

/**
 * The credentials of one file version. Secret manifests are read as in the working tree: what the
 * base64 `data` decodes to is scanned and placed on the encoded value, values in clear are
 * `k8s-secret-plaintext` hits (a Secret committed once and sealed later still leaked them), and
 * SealedSecret ciphertext is safe. With `changed`, credentials are looked for where the file changed
 * since its previous version (one part, or several in text order), and only the Secret manifests
 * that changed are read.
 */
export function secretMatches(text: string, path: string, changed?: ChangedRange | readonly ChangedRange[]): HitMatch[] {
  const matches = findSecrets(text, path, DETECTORS, changed);
  const secrets = secretsInChangedDocuments(path, text, changed, matches.filter(isGeneric), matches.filter(claimable));
  if (!secrets) return matches;
  const decoded = secrets.manifests.flatMap(decodedDataMatches).map(({ value, match }) => ({
    detector: match.detector, start: value.span.start, end: value.span.end, secret: match.secret,
  }));
  const plaintext = secrets.manifests.filter((manifest) => !manifest.sops).flatMap(plaintextValues).map((value) => ({
    detector: PLAINTEXT_RULE, start: value.span.start, end: value.span.end, secret: value.clear ?? value.raw,
  }));
  return [...matches.filter((match) => !claimedByManifest(match, secrets.claimed, path)), ...decoded, ...plaintext];
}

const PLAINTEXT_RULE = { id: 'k8s-secret-plaintext' } as const;
