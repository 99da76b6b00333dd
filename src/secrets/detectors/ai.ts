import type { Detector } from '../detector.js';
import { CLASS, tokenDetector } from '../token-shape.js';

const ANTHROPIC_REFS = ['https://docs.anthropic.com/en/api/getting-started#authentication'];
const ANTHROPIC_REVOKE = 'Delete the key in the Anthropic Console under Settings → API keys.';
const HF_REFS = ['https://huggingface.co/docs/hub/security-tokens'];

export const aiDetectors: readonly Detector[] = [
  tokenDetector({
    id: 'secret-openai-api-key',
    provider: 'OpenAI',
    kind: 'API key',
    shape: ['sk-', [CLASS.base64url, 20, 180], 'T3BlbkFJ', [CLASS.base64url, 20, 180]],
    keywords: ['t3blbkfj'],
    impact: 'Spends the organisation\'s credit and reads its files, assistants and fine-tuned models.',
    revoke: 'Delete the key on the OpenAI platform under API keys.',
    references: ['https://platform.openai.com/docs/api-reference/authentication', 'https://help.openai.com/en/articles/5112595-best-practices-for-api-key-safety'],
  }),
  tokenDetector({
    id: 'secret-anthropic-api-key',
    provider: 'Anthropic',
    kind: 'API key',
    shape: ['sk-ant-api03-', [CLASS.base64url, 93], 'AA'],
    impact: 'Spends the organisation\'s credit on the Claude API.',
    revoke: ANTHROPIC_REVOKE,
    references: ANTHROPIC_REFS,
  }),
  tokenDetector({
    id: 'secret-anthropic-admin-key',
    provider: 'Anthropic',
    kind: 'Admin API key',
    shape: ['sk-ant-admin01-', [CLASS.base64url, 93], 'AA'],
    impact: 'Manages the organisation: members, workspaces and API keys.',
    revoke: ANTHROPIC_REVOKE,
    references: ['https://docs.anthropic.com/en/api/administration-api'],
  }),
  tokenDetector({
    id: 'secret-huggingface-token',
    provider: 'Hugging Face',
    kind: 'user access token',
    shape: ['hf_', [CLASS.alpha, 34]],
    impact: 'Reads private models and datasets of the user and, with write scope, pushes to them.',
    revoke: 'Invalidate the token at huggingface.co/settings/tokens.',
    references: HF_REFS,
  }),
  tokenDetector({
    id: 'secret-huggingface-org-token',
    provider: 'Hugging Face',
    kind: 'organisation API token',
    shape: ['api_org_', [CLASS.alpha, 34]],
    impact: 'Reads and writes the organisation\'s private models and datasets.',
    revoke: 'Regenerate the organisation token in the organisation settings.',
    references: HF_REFS,
  }),
  tokenDetector({
    id: 'secret-groq-api-key',
    provider: 'Groq',
    kind: 'API key',
    shape: ['gsk_', [CLASS.alnum, 52]],
    impact: 'Spends the account\'s inference quota.',
    revoke: 'Delete the key at console.groq.com/keys.',
    references: ['https://console.groq.com/docs/quickstart'],
  }),
  tokenDetector({
    id: 'secret-replicate-api-token',
    provider: 'Replicate',
    kind: 'API token',
    shape: ['r8_', [CLASS.alnum, 37]],
    impact: 'Runs models billed to the account and reads its predictions.',
    revoke: 'Disable the token at replicate.com/account/api-tokens.',
    references: ['https://replicate.com/docs/reference/http#authentication'],
  }),
];
