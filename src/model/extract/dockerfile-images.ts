import { imageOccurrence, type ImageOccurrence } from '../image-occurrence.js';
import type { SourceFile } from '../source-file.js';
import type { Span } from '../span.js';
import { dockerInstructions, type DockerInstruction } from '../dockerfile-instructions.js';


/** Dockerfile and Containerfile names, as `docker build` and BuildKit users write them. */
export function isDockerfile(baseName: string): boolean {
  if (/\.(md|txt|ya?ml|json|sh|bak|orig|py|go|js|ts|rb|ps1|patch|diff|html)$/i.test(baseName)) return false;
  // `Dockerfile.prod`, and variants named with a dash or an underscore: `Dockerfile-WINDOWS_LTSC2019`, `Dockerfile_arm`
  return /^(Dockerfile|Containerfile)([._-].+)?$/i.test(baseName) || /\.(dockerfile|containerfile)$/i.test(baseName);
}

/**
 * `FROM` images, `COPY --from=<image>` and `RUN --mount=…,from=<image>`, with `ARG` defaults substituted. Stage names and
 * `scratch` are not images; a reference that still holds a variable after substitution is skipped.
 */
export function dockerfileImages(file: SourceFile): ImageOccurrence[] {
  const found: ImageOccurrence[] = [];
  const globalArgs = new Map<string, ArgDefault>();
  let stageArgs = new Map<string, ArgDefault>();
  const stages = new Set<string>();
  let seenFrom = false;
  let stageIndex = 0;
  for (const instruction of dockerInstructions(file.text)) {
    if (instruction.keyword === 'ARG') {
      for (const arg of parseArgs(instruction)) (seenFrom ? stageArgs : globalArgs).set(arg.name, arg);
      continue;
    }
    if (instruction.keyword === 'FROM') {
      seenFrom = true;
      stageArgs = new Map();
      const words = splitWords(instruction);
      const imageWord = words.find((word) => !word.text.startsWith('--'));
      const asIndex = words.findIndex((word) => word.text.toLowerCase() === 'as');
      const alias = asIndex !== -1 ? words[asIndex + 1]?.text : undefined;
      if (imageWord) {
        const occurrence = fromImage(file, imageWord, globalArgs, stages, `stage ${alias ?? stageIndex}`);
        if (occurrence) found.push(occurrence);
      }
      if (alias) stages.add(alias.toLowerCase());
      stageIndex += 1;
      continue;
    }
    if (instruction.keyword === 'COPY' || instruction.keyword === 'ADD') {
      for (const word of splitWords(instruction)) {
        const match = /^--from=(.+)$/.exec(word.text);
        if (!match?.[1] || /^\d+$/.test(match[1])) continue;
        const source: Word = { text: match[1], start: word.start + '--from='.length, end: word.end };
        const occurrence = fromImage(file, source, new Map([...globalArgs, ...stageArgs]), stages, `${instruction.keyword} --from`);
        if (occurrence) found.push(occurrence);
      }
    }
    if (instruction.keyword === 'RUN') {
      // `RUN --mount=type=bind,from=<image>,…` (and type=cache): BuildKit pulls the image to mount it
      for (const source of mountSources(instruction)) {
        const occurrence = fromImage(file, source, new Map([...globalArgs, ...stageArgs]), stages, 'RUN --mount from');
        if (occurrence) found.push(occurrence);
      }
    }
  }
  return found;
}

interface ArgDefault {
  readonly name: string;
  readonly value: string | undefined;
  readonly valueSpan: { start: number; end: number } | undefined;
}

interface Word {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

function fromImage(
  file: SourceFile,
  word: Word,
  args: Map<string, ArgDefault>,
  stages: Set<string>,
  context: string,
): ImageOccurrence | undefined {
  const raw = word.text;
  if (stages.has(raw.toLowerCase()) || raw.toLowerCase() === 'scratch') return undefined;
  let viaArg: ArgDefault | undefined;
  const expand = (part: string): string => part.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-+]([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, braced: string | undefined, fallback: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare ?? '';
    const arg = args.get(name);
    if (arg?.value !== undefined && arg.value !== '') {
      viaArg = arg;
      return arg.value;
    }
    if (fallback !== undefined && whole.includes(':-')) return fallback;
    return whole;
  });
  // the builder reads FROM as a shell word: quotes go, and only double-quoted and bare parts expand
  // (`alpine:"${ALPINE_TAG}"` is alpine:3.20)
  const text = raw.replace(/"([^"]*)"|'([^']*)'|[^"']+/g, (part, doubled: string | undefined, single: string | undefined) => single ?? expand(doubled ?? part));
  if (stages.has(text.toLowerCase()) || text.toLowerCase() === 'scratch') return undefined;
  const span: Span = file.span(word.start, word.end);
  const wholeArg = viaArg && /^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/.test(raw) ? viaArg : undefined;
  const pin = text === raw
    ? ({ kind: 'text', span } as const)
    : wholeArg?.valueSpan
      ? ({ kind: 'text', span: file.span(wholeArg.valueSpan.start, wholeArg.valueSpan.end) } as const)
      : ({ kind: 'none', reason: 'the reference is assembled from ARG values' } as const);
  return imageOccurrence({
    file,
    source: 'dockerfile',
    text,
    span,
    context: text === raw ? `FROM (${context})` : `FROM ${raw} (${context})`,
    pin,
  });
}

/** The `from=` value of each `--mount=` flag of a RUN instruction (flags come before the command). */
function mountSources(instruction: DockerInstruction): Word[] {
  const sources: Word[] = [];
  for (const word of splitWords(instruction)) {
    if (!word.text.startsWith('--')) break;
    if (!word.text.startsWith('--mount=')) continue;
    let offset = word.start + '--mount='.length;
    for (const field of word.text.slice('--mount='.length).split(',')) {
      const match = /^from=(.+)$/i.exec(field);
      if (match?.[1] && !/^\d+$/.test(match[1])) sources.push({ text: match[1], start: offset + 'from='.length, end: offset + field.length });
      offset += field.length + 1;
    }
  }
  return sources;
}

function splitWords(instruction: DockerInstruction): Word[] {
  const words: Word[] = [];
  const pattern = /\S+/g;
  for (let match = pattern.exec(instruction.args); match; match = pattern.exec(instruction.args)) {
    const first = instruction.offsetOf(match.index) ?? 0;
    const last = instruction.offsetOf(match.index + match[0].length - 1) ?? first;
    words.push({ text: match[0], start: first, end: last + 1 });
  }
  return words;
}

function parseArgs(instruction: DockerInstruction): ArgDefault[] {
  return splitWords(instruction).map((word) => {
    const equals = word.text.indexOf('=');
    if (equals === -1) return { name: word.text, value: undefined, valueSpan: undefined };
    let value = word.text.slice(equals + 1);
    let start = word.start + equals + 1;
    let end = word.end;
    if (/^(["']).*\1$/.test(value) && value.length >= 2) {
      value = value.slice(1, -1);
      start += 1;
      end -= 1;
    }
    return { name: word.text.slice(0, equals), value, valueSpan: { start, end } };
  });
}
