/** Compares two runs of decimal digits as numbers of any size. */
export function compareDigits(left: string, right: string): number {
  const a = left.replace(/^0+/, '');
  const b = right.replace(/^0+/, '');
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a === b ? 0 : a < b ? -1 : 1;
}

export function compareText(left: string, right: string): number {
  return left === right ? 0 : left < right ? -1 : 1;
}
