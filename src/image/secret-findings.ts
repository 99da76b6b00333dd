import { DEFAULT_CONFIG } from '../config/schema.js';
import type { Finding } from '../model/finding.js';
import { SECRET_MESSAGES } from '../rules/secrets/report-secrets.js';
import { generatedSecretRules } from '../rules/secrets/secret-rules.js';
import type { AnalyzedImage } from './analyze.js';
import { imageFinding, layerProperties } from './image-findings.js';
import type { LayerSecret } from './layer-secrets.js';

/** A secret in a layer file or the config as a finding: its layer, digest and history step in properties (loaded only when there is one). */
export function secretFinding(display: string, image: AnalyzedImage, secret: LayerSecret): Finding {
  const rule = generatedSecretRules.find((candidate) => candidate.id === secret.detector.id)!;
  const layer = secret.layer !== undefined ? image.layers[secret.layer] : undefined;
  const finding = imageFinding({
    rule: { ...rule, messages: SECRET_MESSAGES },
    messageId: 'found',
    data: { what: `${secret.detector.provider} ${secret.detector.kind}`, preview: secret.preview, hash: secret.hash },
    image: display,
    source: layer ? 'layer' : 'config',
    path: secret.path,
    subject: `${secret.layer ?? 'config'}:${secret.hash}`,
    snippet: secret.snippet,
    properties: {
      secretHash: secret.hash,
      ...(layer ? layerProperties(image, layer.index) : configProperties(image, secret)),
      ...(secret.deleted ? { deletedInLaterLayer: true } : {}),
    },
  }, DEFAULT_CONFIG);
  const location = { ...finding.location, line: secret.line, column: secret.column, endLine: secret.line, endColumn: secret.column + secret.preview.length };
  const where = layer ? ` in layer ${layer.index}${secret.deleted ? ', deleted by a later layer but still in the image' : ''}` : '';
  return { ...finding, message: `${finding.message}${where}`, location };
}

/** where in the config a secret is: `configField` Env, Labels or history, and for a history step its index and its line, redacted */
function configProperties(image: AnalyzedImage, secret: LayerSecret): Record<string, string | number> {
  const history = /^config:history\[(\d+)\]$/.exec(secret.path);
  return {
    ...(image.platform ? { platform: image.platform } : {}),
    configField: history ? 'history' : secret.path.slice('config:'.length),
    ...(history ? { historyIndex: Number(history[1]), historyStep: secret.snippet } : {}),
  };
}
