import type { Detector } from '../detector.js';
import { CLASS, prefixed, UUID } from './define.js';

/** AI model providers and routers other than those in ai.ts. */
const SPEND = 'Spends the account\'s credit on model calls and reads its files and usage.';
const MIXED = (token: string): boolean => /[0-9]/.test(token) && /[A-Z]/.test(token) && /[a-z]/.test(token);
const HEX_AND_LETTERS = (token: string): boolean => /[0-9]/.test(token) && /[a-f]/.test(token);

export const aiProviderDetectors: readonly Detector[] = [
  prefixed('secret-openrouter-api-key', { provider: 'OpenRouter', kind: 'API key', shape: ['sk-or-v1-', [CLASS.hex, 64]], impact: SPEND, revoke: 'Delete the key at openrouter.ai/settings/keys.', reference: 'https://openrouter.ai/docs/api-reference/authentication' }),
  prefixed('secret-xai-api-key', { provider: 'xAI', kind: 'API key', shape: ['xai-', [CLASS.alnum, 80]], impact: SPEND, revoke: 'Delete the key in the xAI console under API keys.', reference: 'https://docs.x.ai/docs/overview' }),
  prefixed('secret-perplexity-api-key', { provider: 'Perplexity', kind: 'API key', shape: ['pplx-', [CLASS.alnum, 48]], impact: SPEND, revoke: 'Delete the key under Settings → API.', reference: 'https://docs.perplexity.ai/guides/getting-started' }),
  ...(['pt', 'sk'] as const).map((kind) => prefixed(`secret-langsmith-${kind === 'pt' ? 'personal' : 'service'}-key`, { provider: 'LangSmith', kind: `${kind === 'pt' ? 'personal' : 'service'} API key`, shape: [`lsv2_${kind}_`, [CLASS.hex, 32], '_', [CLASS.hex, 10]],
    impact: 'Reads the organisation\'s traces: prompts, completions and the data in them.', revoke: 'Delete the key under Settings → API keys.', reference: 'https://docs.smith.langchain.com/administration/how_to_guides/organization_management/create_account_api_key' })),
  prefixed('secret-tavily-api-key', { provider: 'Tavily', kind: 'API key', shape: ['tvly-', [CLASS.base64url, 32, 40]], check: MIXED, impact: SPEND, revoke: 'Delete the key at app.tavily.com.', reference: 'https://docs.tavily.com/documentation/quickstart' }),
  prefixed('secret-firecrawl-api-key', { provider: 'Firecrawl', kind: 'API key', shape: ['fc-', [CLASS.hex, 32]], check: HEX_AND_LETTERS, impact: SPEND, revoke: 'Rotate the key at firecrawl.dev/app/api-keys.', reference: 'https://docs.firecrawl.dev/introduction' }),
  prefixed('secret-jina-api-key', { provider: 'Jina AI', kind: 'API key', shape: ['jina_', [CLASS.hex, 32], [CLASS.base64url, 28]], impact: SPEND, revoke: 'Revoke the key at jina.ai/api-dashboard.', reference: 'https://jina.ai/' }),
  prefixed('secret-nvidia-api-key', { provider: 'NVIDIA', kind: 'NGC / API catalog key', shape: ['nvapi-', [CLASS.base64url, 64]], impact: 'Pulls the organisation\'s private NGC containers and models and spends its inference credit.', revoke: 'Revoke the key in the NGC setup page (API keys).', reference: 'https://docs.nvidia.com/ngc/gpu-cloud/ngc-user-guide/index.html#ngc-api-keys' }),
  prefixed('secret-cerebras-api-key', { provider: 'Cerebras', kind: 'API key', shape: ['csk-', [CLASS.lowerAlnum, 48]], impact: SPEND, revoke: 'Delete the key in the Cerebras cloud console.', reference: 'https://inference-docs.cerebras.ai/quickstart' }),
  prefixed('secret-fireworks-api-key', { provider: 'Fireworks AI', kind: 'API key', shape: ['fw_', [CLASS.alnum, 24]], check: MIXED, impact: SPEND, revoke: 'Delete the key under Account → API keys.', reference: 'https://docs.fireworks.ai/getting-started/quickstart' }),
  prefixed('secret-anyscale-api-key', { provider: 'Anyscale', kind: 'API key', shape: ['esecret_', [CLASS.lowerAlnum, 26]], impact: SPEND, revoke: 'Delete the key in the Anyscale console.', reference: 'https://docs.anyscale.com/' }),
  prefixed('secret-langfuse-secret-key', { provider: 'Langfuse', kind: 'secret key', shape: ['sk-lf-', ...UUID], impact: 'Reads and writes the project\'s traces: prompts, completions and the data in them.', revoke: 'Delete the key pair under Project settings → API keys.', reference: 'https://langfuse.com/docs/api' }),
  prefixed('secret-pinecone-api-key', { provider: 'Pinecone', kind: 'API key', shape: ['pcsk_', [CLASS.alnum, 4, 8], '_', [CLASS.alnum, 50, 80]], impact: 'Reads, writes and deletes the project\'s vector indexes and the documents behind them.', revoke: 'Delete the key in the Pinecone console under API keys.', reference: 'https://docs.pinecone.io/guides/projects/manage-api-keys' }),
  prefixed('secret-elevenlabs-api-key', { provider: 'ElevenLabs', kind: 'API key', shape: ['sk_', [CLASS.hex, 48]], check: HEX_AND_LETTERS, impact: 'Generates speech (voice clones included) billed to the account.', revoke: 'Delete the key under Developers → API keys.', reference: 'https://elevenlabs.io/docs/api-reference/authentication' }),
  prefixed('secret-openai-compatible-key', { provider: 'DeepSeek and other OpenAI-compatible APIs', kind: 'API key (sk- and 32 hex)', shape: ['sk-', [CLASS.hex, 32]], check: HEX_AND_LETTERS, severity: 'high', impact: SPEND, revoke: 'Delete the key in the provider\'s console (DeepSeek: platform.deepseek.com/api_keys).', reference: 'https://api-docs.deepseek.com/' }),
];
