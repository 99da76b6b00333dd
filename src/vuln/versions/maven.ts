import { compareDigits, compareText } from './numeric.js';

/**
 * Maven's `ComparableVersion` ordering (maven-artifact 3.x): `.` and `-` separate items and a
 * switch between digits and letters separates too; a `-` (or a letter→digit switch) opens a
 * sub-list. Numbers compare numerically; qualifiers order `alpha` < `beta` < `milestone` < `rc`
 * = `cr` < `snapshot` < `` = `ga` = `final` < `sp`, unknown ones after them alphabetically
 * (case-insensitive); `a1`/`b1`/`m1` mean alpha/beta/milestone; trailing zero items are ignored
 * (`1.0` = `1`).
 */
type Item = NumberItem | QualifierItem | ListItem;
interface NumberItem {
  readonly kind: 'number';
  readonly digits: string;
}
interface QualifierItem {
  readonly kind: 'qualifier';
  readonly value: string;
}
interface ListItem {
  readonly kind: 'list';
  readonly items: Item[];
}

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const ALIASES: Record<string, string> = { ga: '', final: '', cr: 'rc' };
const RELEASE_RANK = QUALIFIERS.indexOf('');

function qualifier(text: string, followedByDigit: boolean): QualifierItem {
  let value = text;
  if (followedByDigit && value.length === 1) value = { a: 'alpha', b: 'beta', m: 'milestone' }[value] ?? value;
  return { kind: 'qualifier', value: ALIASES[value] ?? value };
}

/** Known qualifiers by rank, unknown ones after all of them in lexical order (Maven's `comparableQualifier`). */
function qualifierKey(value: string): string {
  const rank = QUALIFIERS.indexOf(value);
  return rank === -1 ? `${QUALIFIERS.length}-${value}` : String(rank);
}

function parseItem(isDigit: boolean, text: string): Item {
  return isDigit ? { kind: 'number', digits: text.replace(/^0+(?=\d)/, '') } : qualifier(text, false);
}

function isNull(item: Item): boolean {
  if (item.kind === 'number') return /^0+$/.test(item.digits);
  if (item.kind === 'qualifier') return qualifierKey(item.value) === String(RELEASE_RANK);
  return item.items.length === 0;
}

/** Drops trailing null items (0, "", empty lists) up to the last non-list item. */
function normalize(list: ListItem): void {
  for (let index = list.items.length - 1; index >= 0; index--) {
    const last = list.items[index]!;
    if (isNull(last)) list.items.splice(index, 1);
    else if (last.kind !== 'list') break;
  }
}

export function parseMavenVersion(text: string): ListItem {
  const version = text.trim().toLowerCase();
  const root: ListItem = { kind: 'list', items: [] };
  let list = root;
  const stack: ListItem[] = [root];
  let isDigit = false;
  let start = 0;
  const openSubList = (): void => {
    const next: ListItem = { kind: 'list', items: [] };
    list.items.push(next);
    list = next;
    stack.push(next);
  };
  for (let index = 0; index < version.length; index++) {
    const char = version[index]!;
    if (char === '.' || char === '-') {
      list.items.push(index === start ? { kind: 'number', digits: '0' } : parseItem(isDigit, version.slice(start, index)));
      start = index + 1;
      if (char === '-') openSubList();
    } else if (char >= '0' && char <= '9') {
      if (!isDigit && index > start) {
        list.items.push(qualifier(version.slice(start, index), true));
        start = index;
        openSubList();
      }
      isDigit = true;
    } else {
      if (isDigit && index > start) {
        list.items.push(parseItem(true, version.slice(start, index)));
        start = index;
        openSubList();
      }
      isDigit = false;
    }
  }
  if (version.length > start) list.items.push(parseItem(isDigit, version.slice(start)));
  while (stack.length > 0) normalize(stack.pop()!);
  return root;
}

/** `item` against another item, or against nothing (the other version ran out). */
function compareItem(item: Item, other: Item | undefined): number {
  if (item.kind === 'number') {
    if (!other) return isNull(item) ? 0 : 1;
    return other.kind === 'number' ? compareDigits(item.digits, other.digits) : 1;
  }
  if (item.kind === 'qualifier') {
    if (!other) return Math.sign(compareText(qualifierKey(item.value), String(RELEASE_RANK)));
    if (other.kind === 'qualifier') return compareText(qualifierKey(item.value), qualifierKey(other.value));
    return -1;
  }
  if (!other) return item.items.length === 0 ? 0 : compareItem(item.items[0]!, undefined);
  if (other.kind === 'number') return -1;
  if (other.kind === 'qualifier') return 1;
  const length = Math.max(item.items.length, other.items.length);
  for (let index = 0; index < length; index++) {
    const left = item.items[index];
    const right = other.items[index];
    const order = left === undefined ? (right === undefined ? 0 : -compareItem(right, undefined)) : compareItem(left, right);
    if (order !== 0) return order;
  }
  return 0;
}

export function compareMavenVersions(left: string, right: string): number {
  return compareItem(parseMavenVersion(left), parseMavenVersion(right));
}
