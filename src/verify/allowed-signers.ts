import { excerpt } from '../model/excerpt.js';
import { parsePublicKey, type SshPublicKey } from './ssh-keys.js';

/** One line of an OpenSSH `allowed_signers` file (ssh-keygen(1), ALLOWED SIGNERS). */
export interface AllowedSigner {
  /** comma-separated principal patterns */
  readonly principals: string;
  readonly certAuthority: boolean;
  /** comma-separated namespace patterns; undefined allows every namespace */
  readonly namespaces?: string;
  readonly validAfter?: Date;
  readonly validBefore?: Date;
  /** `verify-required`: a FIDO signature must carry the user-verification flag (PIN or biometric) */
  readonly verifyRequired: boolean;
  readonly key: SshPublicKey;
  readonly line: number;
}

export class AllowedSignersError extends Error {}

const KEY_TYPE = /^(ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp\d+|sk-[a-z0-9-]+@openssh\.com)$/;

/** Parses an allowed_signers file; `source` names it in messages. */
export function parseAllowedSigners(text: string, source: string): AllowedSigner[] {
  const signers: AllowedSigner[] = [];
  text.split(/\r?\n/).forEach((rawLine, index) => {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `${source}:${index + 1}`;
    try {
      signers.push(parseLine(line, index + 1));
    } catch (error) {
      throw new AllowedSignersError(`${where}: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  return signers;
}

function parseLine(line: string, lineNumber: number): AllowedSigner {
  const tokens = tokenize(line);
  const principals = unquote(tokens.shift() ?? '');
  if (principals === '') throw new Error('missing principals');
  let optionsToken = '';
  if (tokens[0] !== undefined && !KEY_TYPE.test(tokens[0])) optionsToken = tokens.shift() ?? '';
  const keyType = tokens.shift();
  const keyData = tokens.shift();
  if (!keyType || !KEY_TYPE.test(keyType) || !keyData) throw new Error('expected "<principals> [options] <key-type> <base64-key>"');
  const key = parsePublicKey(Buffer.from(keyData, 'base64'));
  if (key.type !== keyType) throw new Error(`key type ${keyType} does not match the key data (${key.type})`);
  const options = parseOptions(optionsToken);
  return {
    principals,
    certAuthority: options.certAuthority,
    verifyRequired: options.verifyRequired,
    ...(options.namespaces !== undefined ? { namespaces: options.namespaces } : {}),
    ...(options.validAfter ? { validAfter: options.validAfter } : {}),
    ...(options.validBefore ? { validBefore: options.validBefore } : {}),
    key,
    line: lineNumber,
  };
}

/** Splits on whitespace outside double quotes. */
function tokenize(line: string): string[] {
  const tokens: string[] = [];
  let current = '';
  let quoted = false;
  for (const char of line) {
    if (char === '"') quoted = !quoted;
    if (!quoted && /\s/.test(char)) {
      if (current !== '') tokens.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  if (quoted) throw new Error('unterminated quote');
  if (current !== '') tokens.push(current);
  return tokens;
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

interface Options {
  certAuthority: boolean;
  verifyRequired: boolean;
  namespaces?: string;
  validAfter?: Date;
  validBefore?: Date;
}

/**
 * Options as ssh-keygen's sshsigopt_parse reads them: case-insensitive keywords, each valued option
 * at most once, valid-before after valid-after. `verify-required` and `no-touch-required` come from
 * authorized_keys (sshd(8)), not allowed_signers: ssh-keygen refuses them, Rampart accepts them
 * so a file can demand more of FIDO signatures than ssh-keygen checks.
 */
function parseOptions(token: string): Options {
  const options: Options = { certAuthority: false, verifyRequired: false };
  const valued = new Set<string>();
  for (const option of splitOptions(token)) {
    const equals = option.indexOf('=');
    const name = (equals === -1 ? option : option.slice(0, equals)).toLowerCase();
    const value = equals === -1 ? undefined : unquote(option.slice(equals + 1));
    if (value === undefined && name === 'cert-authority') options.certAuthority = true;
    else if (value === undefined && name === 'verify-required') options.verifyRequired = true;
    // Touch is always required of FIDO signatures here, so relaxing it has no effect.
    else if (value === undefined && name === 'no-touch-required') continue;
    else if (value !== undefined && (name === 'namespaces' || name === 'valid-after' || name === 'valid-before')) {
      if (valued.has(name)) throw new Error(`multiple "${name}" clauses`);
      valued.add(name);
      if (name === 'namespaces') options.namespaces = value;
      else if (name === 'valid-after') options.validAfter = parseSshTime(value);
      else options.validBefore = parseSshTime(value);
    } else {
      throw new Error(`unknown option "${excerpt(option)}"`);
    }
  }
  if (options.validAfter && options.validBefore && options.validBefore <= options.validAfter) throw new Error('"valid-before" time is before "valid-after"');
  return options;
}

function splitOptions(token: string): string[] {
  const options: string[] = [];
  let current = '';
  let quoted = false;
  for (const char of token) {
    if (char === '"') quoted = !quoted;
    if (char === ',' && !quoted) {
      options.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  if (current !== '') options.push(current);
  return options.filter((option) => option !== '');
}

/** OpenSSH absolute time: YYYYMMDD[HHMM[SS]], local time unless suffixed with Z (UTC). */
export function parseSshTime(value: string): Date {
  const match = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?(Z?)$/i.exec(value);
  if (!match) throw new Error(`invalid time "${excerpt(value)}" (expected YYYYMMDD[HHMM[SS]][Z])`);
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) throw new Error(`invalid time "${excerpt(value)}"`);
  return match[7] ? new Date(Date.UTC(year, month - 1, day, hour, minute, second)) : new Date(year, month - 1, day, hour, minute, second);
}
