import { append } from '../../append.js';
import { defineRule } from '../rule.js';
import { dockerfileSites, pipelineScriptSites, spanInSite, workflowRunSites, type ShellSite } from './download-sites.js';

const FETCH = String.raw`\b(?:curl|wget)\b`;
/** where a command starts: a line, after `;`, `&&`, `||`, `|`, `(`, `$(`, a Dockerfile `RUN`, or `sudo` */
const COMMAND_START = String.raw`(?:^|[;&|(\n]|\$\(|\bRUN)\s*(?:sudo\s+(?:-\S+\s+)*)?`;
/** an interpreter, optionally behind sudo (with flags) and env assignments */
const INTERPRETER = String.raw`(?:sudo\s+(?:-\S+\s+)*)?(?:env\s+(?:\S+=\S*\s+)*)?(?:(?:ba|z|da|k|a|fi)?sh|python[0-9.]*|perl|ruby|node|pwsh|powershell|iex)\b`;
const PATTERNS: readonly RegExp[] = [
  // curl … | sh
  new RegExp(String.raw`(?<=${COMMAND_START})${FETCH}[^|;&\n]*\|\s*${INTERPRETER}`, 'gm'),
  // bash <(curl …)
  new RegExp(String.raw`\b(?:ba|z)?sh\s+(?:-\S+\s+)*<\(\s*${FETCH}[^)\n]*\)`, 'g'),
  // sh -c "$(curl …)"
  new RegExp(String.raw`\b(?:ba|z)?sh\s+-c\s+["']?\$\(\s*${FETCH}[^)\n]*\)`, 'g'),
];

export default defineRule({
  id: 'remote-download-unverified',
  layer: 'dependencies',
  severity: 'medium',
  objectKinds: [],
  summary: 'A build or CI step runs a script straight from the network (`curl … | sh`), or a Dockerfile `ADD`s a URL without `--checksum`.',
  rationale:
    'A script piped from `curl` or `wget` into a shell is whatever the server sends at that moment: a compromised ' +
    'vendor, CDN or DNS entry runs code in your image build or CI job, with its secrets (the 2021 Codecov bash ' +
    'uploader compromise leaked CI credentials this way for two months). Nothing in the repository pins or checks ' +
    'it, so review of this repository does not cover it. `ADD https://…` without `--checksum` has the same problem ' +
    'for files baked into an image. OpenSSF Scorecard\'s Pinned-Dependencies check flags both. Dockerfile `RUN` ' +
    '(and `ONBUILD RUN`, heredoc scripts included), workflow `run:` steps, composite action steps, GitLab CI scripts ' +
    '(`script`, `before_script`, `after_script`) and Woodpecker and Drone step `commands` are read.',
  remediation:
    'Download a versioned artifact, check it against a checksum committed here (`echo "<sha256>  file" | sha256sum -c`) ' +
    'or a signature, then run it; prefer a package manager with pinned versions. For Dockerfiles use ' +
    '`ADD --checksum=sha256:<digest> https://…`.',
  references: [
    'https://github.com/ossf/scorecard/blob/main/docs/checks.md#pinned-dependencies',
    'https://docs.docker.com/reference/dockerfile/#add---checksum',
    'https://about.codecov.io/security-update/',
  ],
  messages: {
    piped: '{where} runs a downloaded script without checking it (`{command}`): the server decides what runs here.',
    add: 'Dockerfile ADD fetches {url} without --checksum: its content is not pinned.',
  },
  examples: {
    bad: [{ file: 'Dockerfile', code: 'FROM debian:12\nRUN curl -fsSL https://get.example.com/install.sh | sh # expect: remote-download-unverified\n' }],
    good: [{ file: 'Dockerfile', code: 'FROM debian:12\nRUN curl -fsSLo install.sh https://get.example.com/v1.2.3/install.sh \\\n && echo "0f3c…  install.sh" | sha256sum -c \\\n && sh install.sh\nADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/tool.tar.gz /tmp/\n' }],
  },
  check(context) {
    const sites: ShellSite[] = [...workflowRunSites(context.workspace), ...pipelineScriptSites(context.workspace)];
    for (const file of context.workspace.filesOfKind('dockerfile')) {
      const { runs, adds } = dockerfileSites(file);
      append(sites, runs);
      for (const add of adds) {
        if (add.words.some((word) => /^--checksum=/i.test(word.text))) continue;
        const sources = add.words.filter((word) => !word.text.startsWith('--')).slice(0, -1);
        for (const source of sources) {
          // git sources (`…git#ref`) are judged like other git refs, not as downloads
          if (!/^https?:\/\//i.test(source.text) || /\.git(?:#|$)/i.test(source.text)) continue;
          context.report({ messageId: 'add', at: add.file.span(source.start, source.end), data: { url: source.text }, subject: source.text });
        }
      }
    }
    for (const site of sites) {
      for (const pattern of PATTERNS) {
        for (const match of site.text.matchAll(pattern)) {
          const start = match.index ?? 0;
          const command = match[0].replace(/\s+/g, ' ');
          context.report({
            messageId: 'piped',
            at: spanInSite(site, start, start + match[0].length),
            data: { where: site.where, command: command.length > 80 ? `${command.slice(0, 77)}…` : command },
            subject: command,
          });
        }
      }
    }
  },
});
