/** Fields SOPS always writes into its metadata. */
const SOPS_FIELD = /^[ \t]+(?:mac|lastmodified|version):/;
const SOPS_JSON = /"sops"\s*:\s*\{[^{}]*"(?:mac|lastmodified|version)"\s*:/;

/**
 * A SOPS-encrypted file. Its MAC covers every value, the ones left in clear too (unless
 * `mac_only_encrypted`), so an edit made without `sops` makes the file fail to decrypt.
 */
export function isSopsEncryptedText(text: string): boolean {
  if (!text.includes('sops')) return false;
  return hasSopsYamlBlock(text) || SOPS_JSON.test(text);
}

/** A top-level `sops:` key whose indented block holds one of SOPS's fields. */
function hasSopsYamlBlock(text: string): boolean {
  let inBlock = false;
  for (const line of text.split('\n')) {
    if (/^sops:\s*$/.test(line)) {
      inBlock = true;
    } else if (inBlock) {
      if (SOPS_FIELD.test(line)) return true;
      if (line.trim() !== '' && !/^[ \t-]/.test(line)) inBlock = false;
    }
  }
  return false;
}
