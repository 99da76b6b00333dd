import type { Bundle } from '@sigstore/bundle';

/** The tree size and root hash a Rekor checkpoint (a signed note) commits to, or undefined when unreadable. */
function checkpointHead(envelope: string): { treeSize: string; rootHash: Buffer } | undefined {
  const [, treeSize, rootHash] = envelope.split('\n');
  if (treeSize === undefined || rootHash === undefined || !/^\d+$/.test(treeSize)) return undefined;
  return { treeSize, rootHash: Buffer.from(rootHash, 'base64') };
}

/**
 * @sigstore/verify chains the audit path up to the checkpoint's root and ignores the proof's own
 * `rootHash` and `treeSize`; sigstore-go and rekor refuse a proof whose root or size differs from the
 * checkpoint it carries, and so does this check, so a bundle never claims one tree and proves another.
 */
export function inclusionProofMismatch(bundle: Bundle): string | undefined {
  for (const entry of bundle.verificationMaterial.tlogEntries) {
    const proof = entry.inclusionProof;
    if (!proof?.checkpoint) continue;
    const head = checkpointHead(proof.checkpoint.envelope);
    if (!head) return `the checkpoint of log entry ${entry.logIndex} is not a signed tree head`;
    if (!head.rootHash.equals(Buffer.from(proof.rootHash))) return `the root hash of the inclusion proof is not the one its checkpoint signs (log entry ${entry.logIndex})`;
    if (head.treeSize !== String(proof.treeSize)) return `the inclusion proof is for a tree of ${proof.treeSize} entries, its checkpoint for ${head.treeSize} (log entry ${entry.logIndex})`;
  }
  return undefined;
}
