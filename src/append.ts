/**
 * Appends every item of `items` to `target`. `target.push(...items)` passes each item as an argument,
 * and a few hundred thousand of them (the documents of one `---`-separated file, the findings of one
 * rule, the images of one manifest) overflow the call stack and end the whole run.
 */
export function append<T>(target: T[], items: Iterable<T>): void {
  for (const item of items) target.push(item);
}
