import { describe, expect, it } from 'vitest';
import { dockerInstructions } from './dockerfile-instructions.js';

const keywordsAndArgs = (text: string): Array<[string, string]> => dockerInstructions(text).map((instruction) => [instruction.keyword, instruction.args]);

describe('dockerInstructions', () => {
  it('joins continuations, skipping comment and blank lines inside them', () => {
    const text = 'FROM alpine\nRUN a \\\n# note\n\n  && b\nCMD ["x"]\n';
    expect(keywordsAndArgs(text)).toEqual([['FROM', 'alpine'], ['RUN', 'a    && b'], ['CMD', '["x"]']]);
  });

  it('keeps each argument character at its file offset', () => {
    const text = 'FROM a\r\nCOPY --from=b:1 \\\n  /x /y\n';
    const copy = dockerInstructions(text)[1]!;
    const at = copy.args.indexOf('/x');
    expect(text.slice(copy.offsetOf(at), copy.offsetOf(at)! + 2)).toBe('/x');
    expect(text.slice(copy.start, copy.end)).toBe('COPY --from=b:1 \\\n  /x /y');
  });

  it('takes heredoc bodies whole, so that their lines are not instructions', () => {
    const text = 'FROM a\nCOPY <<EOF /etc/x\nFROM evil\nRUN nothing\nEOF\nRUN <<-"ONE" sh && <<TWO cat\n\tone\n\tONE\ntwo\nTWO\nUSER app\n';
    const instructions = dockerInstructions(text);
    expect(instructions.map((instruction) => instruction.keyword)).toEqual(['FROM', 'COPY', 'RUN', 'USER']);
    expect(text.slice(instructions[1]!.start, instructions[1]!.end)).toBe('COPY <<EOF /etc/x\nFROM evil\nRUN nothing\nEOF');
    expect(text.slice(instructions[2]!.start, instructions[2]!.end)).toBe('RUN <<-"ONE" sh && <<TWO cat\n\tone\n\tONE\ntwo\nTWO');
    expect(instructions[2]!.args).toBe('<<-"ONE" sh && <<TWO cat');
  });

  it('runs an unterminated heredoc to the end of the file', () => {
    const instructions = dockerInstructions('FROM a\nRUN <<EOT\necho hi\nFROM b\n');
    expect(instructions.map((instruction) => instruction.keyword)).toEqual(['FROM', 'RUN']);
  });

  it('reads no heredoc in instructions that have none (a shell here-string stays an argument)', () => {
    expect(keywordsAndArgs('FROM a\nENV X=<<Y\nLABEL a=b\n')).toEqual([['FROM', 'a'], ['ENV', 'X=<<Y'], ['LABEL', 'a=b']]);
    expect(keywordsAndArgs('RUN cat <<<"text" && echo a<<b\nUSER app\n')).toEqual([['RUN', 'cat <<<"text" && echo a<<b'], ['USER', 'app']]);
  });
});
