import type { DependencySource } from './types.js';
import { isRecord } from '../is-record.js';

export type Values = Record<string, unknown>;

/**
 * One source of values a chart is installed with, in the order the controller applies them: later
 * layers win. `judged` says the repository's own scan already reads these values as images (a
 * HelmRelease's `values`, Argo `valuesObject`), so findings in what they override are not reported a
 * second time from the dependency; values held in ConfigMap data or `--set` strings are not read there.
 */
export type ValuesLayer =
  /** a map merged over what came before (HelmRelease `values`, a `valuesFrom` key, Argo `valuesObject`, a parent chart's values) */
  | { readonly kind: 'map'; readonly values: Values; readonly judged: boolean }
  /** one `--set`-style assignment (`a.b[0].c=value`): Argo CD `helm.parameters`, Flux `valuesFrom.targetPath` */
  | { readonly kind: 'set'; readonly path: string; readonly value: string; readonly forceString: boolean; readonly judged: boolean }
  /** a values file inside the fetched chart (Argo CD `helm.valueFiles`) */
  | { readonly kind: 'chart-file'; readonly file: string; readonly optional: boolean }
  /** a values file in another source (Argo CD multi-source `$ref/path`) */
  | { readonly kind: 'source-file'; readonly source: DependencySource; readonly file: string; readonly optional: boolean; readonly ref: string };

export const isValues: (value: unknown) => value is Values = isRecord;

/** `top` over `base` as Helm merges values files: maps merge key by key, anything else replaces (a `null` stays, to delete). */
export function mergeValues(base: Values, top: Values): Values {
  const merged: Values = { ...base };
  for (const [key, value] of Object.entries(top)) {
    const below = Object.hasOwn(merged, key) ? merged[key] : undefined;
    define(merged, key, isValues(value) && isValues(below) ? mergeValues(below, value) : value);
  }
  return merged;
}

/**
 * What a parent chart gives the subchart it knows as `key` (its name, or its alias): the parent's
 * values under that key, with the parent's `global` merged over the subchart's (parent wins), as
 * Helm coalesces them.
 */
export function subchartValues(parent: Values, key: string): Values | undefined {
  const mine = own(parent, key);
  const parentGlobal = own(parent, 'global');
  const ownValues = isValues(mine) ? mine : undefined;
  const global = isValues(parentGlobal) ? parentGlobal : undefined;
  if (!ownValues && !global) return undefined;
  const values: Values = { ...(ownValues ?? {}) };
  if (global) values['global'] = mergeValues(isValues(values['global']) ? (values['global'] as Values) : {}, global);
  return values;
}

export class SetSyntaxError extends Error {}

/** An own property, whatever its name: `__proto__` from a values file is a key like any other, never the prototype. */
function define(target: object, key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function own(container: Values | unknown[], key: string | number): unknown {
  return Object.hasOwn(container, key) ? (container as Record<string | number, unknown>)[key] : undefined;
}

/**
 * Helm's `--set name=value` applied into `target` (strvals.ParseInto): `.` separates keys (`\.` is
 * a dot inside one), `[n]` indexes a list (padded with nulls), the value is typed as Helm types it
 * (true/false/null, a whole number not led by 0) unless `forceString`; `{a,b}` is a list.
 */
export function applySet(target: Values, name: string, value: string, forceString: boolean): void {
  const path = parseSetPath(name);
  const typed = forceString ? value : /^\{.*\}$/s.test(value) ? splitList(value.slice(1, -1)).map((item) => typedValue(item)) : typedValue(value);
  let container: Values | unknown[] = target;
  for (let index = 0; index < path.length; index += 1) {
    const step = path[index]!;
    const last = index === path.length - 1;
    const nextIsIndex = !last && typeof path[index + 1] === 'number';
    const fresh = (): Values | unknown[] => (nextIsIndex ? [] : {});
    if (typeof step === 'number') {
      if (!Array.isArray(container)) throw new SetSyntaxError(`${name}: [${step}] indexes something that is not a list`);
      while (container.length <= step) container.push(null);
    } else if (Array.isArray(container)) {
      throw new SetSyntaxError(`${name}: key ${step} inside a list`);
    }
    if (last) {
      define(container, step, typed);
    } else {
      const child = own(container, step);
      if ((nextIsIndex ? Array.isArray(child) : isValues(child))) container = child as Values | unknown[];
      else {
        const created = fresh();
        define(container, step, created);
        container = created;
      }
    }
  }
}

function parseSetPath(name: string): Array<string | number> {
  const path: Array<string | number> = [];
  let key = '';
  let index = 0;
  const endKey = (): void => {
    if (key === '') throw new SetSyntaxError(`${name}: an empty key`);
    path.push(key);
    key = '';
  };
  while (index < name.length) {
    const char = name[index]!;
    if (char === '\\' && index + 1 < name.length) {
      key += name[index + 1];
      index += 2;
    } else if (char === '.') {
      if (key !== '') endKey();
      else if (typeof path[path.length - 1] !== 'number') throw new SetSyntaxError(`${name}: an empty key`);
      index += 1;
    } else if (char === '[') {
      if (key !== '') endKey();
      const close = name.indexOf(']', index);
      const number = close === -1 ? '' : name.slice(index + 1, close);
      if (!/^\d{1,6}$/.test(number)) throw new SetSyntaxError(`${name}: a list index must be a number in [ ]`);
      path.push(Number(number));
      index = close + 1;
    } else {
      key += char;
      index += 1;
    }
  }
  if (key !== '') endKey();
  if (path.length === 0) throw new SetSyntaxError('a parameter with no name');
  return path;
}

function splitList(text: string): string[] {
  const items: string[] = [];
  let current = '';
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index]!;
    if (char === '\\' && index + 1 < text.length) current += text[++index];
    else if (char === ',') {
      items.push(current);
      current = '';
    } else current += char;
  }
  items.push(current);
  return items;
}

/** Helm's strvals typedVal. */
function typedValue(text: string): unknown {
  const lower = text.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (lower === 'null') return null;
  if (text === '0') return 0;
  if (/^[1-9]\d*$|^-\d+$/.test(text) && Number.isSafeInteger(Number(text))) return Number(text);
  return text;
}
