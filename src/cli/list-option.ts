import { InvalidArgumentError } from 'commander';

/**
 * A repeatable option that also takes comma-separated lists (`-r a,b -r c`). Options are not
 * variadic on purpose: `--layer secrets .` must leave `.` to the path argument.
 */
export function listParser(choices?: readonly string[], split = true): (value: string, previous: string[] | undefined) => string[] {
  return (value, previous) => {
    const items = (split ? value.split(',') : [value]).map((item) => item.trim()).filter((item) => item !== '');
    if (items.length === 0) throw new InvalidArgumentError('empty value.');
    const unknown = choices ? items.filter((item) => !choices.includes(item)) : [];
    if (unknown.length > 0) throw new InvalidArgumentError(`Allowed choices are ${choices!.join(', ')}.`);
    return [...(previous ?? []), ...items];
  };
}
