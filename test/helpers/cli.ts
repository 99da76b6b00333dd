import { main } from '../../src/cli/main.js';

/** Runs the CLI in this process and captures what it prints. */
export async function runCli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const originalOut = process.stdout.write.bind(process.stdout);
  const originalErr = process.stderr.write.bind(process.stderr);
  const capture = (append: (text: string) => void) => ((chunk: unknown, ...rest: unknown[]): boolean => {
    append(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    const callback = rest.find((item): item is () => void => typeof item === 'function');
    callback?.();
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = capture((text) => { stdout += text; });
  process.stderr.write = capture((text) => { stderr += text; });
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = originalOut;
    process.stderr.write = originalErr;
  }
}
