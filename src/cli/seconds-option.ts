/** The longest wait a Node timer holds (2^31 − 1 ms): a longer one fires at once, failing every request. */
const MAX_SECONDS = Math.floor(2_147_483_647 / 1000);

/** What is wrong with a timeout flag's value, or undefined: a number of seconds a timer can wait. */
export function secondsProblem(option: string, value: string): string | undefined {
  const seconds = Number(value);
  if (value.trim() !== '' && Number.isFinite(seconds) && Math.round(seconds * 1000) >= 1 && seconds <= MAX_SECONDS) return undefined;
  return `${option} expects a number of seconds above 0 and at most ${MAX_SECONDS}, not "${value}"`;
}
