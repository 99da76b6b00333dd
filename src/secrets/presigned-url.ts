import type { MatchContext } from './detector.js';

/**
 * The signer's parts in a presigned URL's query: S3's `X-Amz-Credential=ASIA…%2F20250311%2F…` and
 * `X-Amz-Security-Token=IQoJ…` beside `X-Amz-Signature`, or SigV2's `AWSAccessKeyId=AKIA…` beside
 * `Signature`. The URL opens one object until it expires (a week at most, a temporary key's session
 * sooner), and neither part signs another request: the secret key never leaves the signer.
 */
const PRESIGNED_PARAMETER = /[?&](?:X-Amz-Credential|X-Amz-Security-Token|AWSAccessKeyId)=[^&\s"'<>]{0,4096}$/i;
const SIGNATURE_PARAMETER = /[?&](?:X-Amz-Signature|Signature)=[A-Za-z0-9%+/=]{16,}/i;
const URL_START = /https?:\/\/[^\s"'<>]*$/i;

export function isPresignedUrlCredential(context: Pick<MatchContext, 'text' | 'index'> | undefined): boolean {
  const text = context?.text;
  const index = context?.index;
  if (text === undefined || index === undefined) return false;
  const before = text.slice(Math.max(0, index - 8192), index);
  const url = URL_START.exec(before);
  if (!url || !PRESIGNED_PARAMETER.test(url[0])) return false;
  const after = /^[^\s"'<>]{0,8192}/.exec(text.slice(index, index + 8192))![0];
  return SIGNATURE_PARAMETER.test(url[0] + after);
}
