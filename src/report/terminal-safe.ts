/**
 * Control characters (but tab), DEL, C1 controls, and the bidirectional overrides and isolates of
 * "Trojan Source": in text a repository controls (paths, lines, commit authors) they could move the
 * cursor, erase lines or recolour a terminal or CI log, and so hide a finding.
 */
const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** The text with each unsafe character written as an escape (`\n`, `\x1b`, `\u202e`), for printing to a terminal. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, (char) => {
    if (char === '\n') return '\\n';
    if (char === '\r') return '\\r';
    const code = char.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** The same, keeping the text's own line breaks: for messages of several lines. */
export function terminalSafeLines(text: string): string {
  return text.split('\n').map(terminalSafe).join('\n');
}
