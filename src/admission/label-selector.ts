/**
 * Kubernetes label selectors in the syntax of `kubectl -l` and webhook `objectSelector`s written as text:
 * `app=web`, `tier!=cache`, `env in (prod,staging)`, `env notin (dev)`, `canary`, `!legacy`, joined by commas.
 */
export type Requirement =
  | { readonly key: string; readonly op: 'in' | 'notin'; readonly values: readonly string[] }
  | { readonly key: string; readonly op: 'exists' | 'absent' };

export class SelectorError extends Error {}

const KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

export function parseLabelSelector(text: string): Requirement[] {
  return splitRequirements(text).map((part) => parseRequirement(part, text));
}

export function matchesSelector(requirements: readonly Requirement[], labels: Readonly<Record<string, unknown>>): boolean {
  return requirements.every((requirement) => {
    const present = Object.hasOwn(labels, requirement.key) && typeof labels[requirement.key] === 'string';
    const value = present ? (labels[requirement.key] as string) : undefined;
    switch (requirement.op) {
      case 'exists': return present;
      case 'absent': return !present;
      case 'in': return value !== undefined && requirement.values.includes(value);
      case 'notin': return value === undefined || !requirement.values.includes(value);
    }
  });
}

/** Commas separate requirements except inside `( … )`. */
function splitRequirements(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (char === '(') depth += 1;
    else if (char === ')') depth -= 1;
    else if (char === ',' && depth === 0) {
      parts.push(text.slice(start, index));
      start = index + 1;
    }
    if (depth < 0 || depth > 1) throw new SelectorError(`label selector "${text}": unbalanced parentheses`);
  }
  if (depth !== 0) throw new SelectorError(`label selector "${text}": unbalanced parentheses`);
  parts.push(text.slice(start));
  const trimmed = parts.map((part) => part.trim());
  if (trimmed.some((part) => part === '')) throw new SelectorError(`label selector "${text}": empty requirement`);
  return trimmed;
}

function parseRequirement(part: string, whole: string): Requirement {
  const fail = (why: string): never => {
    throw new SelectorError(`label selector "${whole}": ${why} in "${part}"`);
  };
  const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(part);
  if (set) {
    const values = set[3]!.split(',').map((value) => value.trim());
    values.forEach((value) => VALUE.test(value) || fail(`"${value}" is not a label value`));
    return { key: checkedKey(set[1]!, fail), op: set[2] as 'in' | 'notin', values };
  }
  const comparison = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(part);
  if (comparison) {
    const value = comparison[3]!;
    if (!VALUE.test(value)) fail(`"${value}" is not a label value`);
    return { key: checkedKey(comparison[1]!, fail), op: comparison[2] === '!=' ? 'notin' : 'in', values: [value] };
  }
  if (part.startsWith('!')) return { key: checkedKey(part.slice(1).trim(), fail), op: 'absent' };
  return { key: checkedKey(part, fail), op: 'exists' };
}

function checkedKey(key: string, fail: (why: string) => never): string {
  if (!KEY.test(key) || key.length > 317) fail(`"${key}" is not a label key`);
  return key;
}
