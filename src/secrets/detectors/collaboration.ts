import type { Detector } from '../detector.js';
import { SampleRandom } from '../random.js';
import { CLASS, prefixed, UUID } from './define.js';

const random = new SampleRandom('collaboration');

/** A Discord bot token's first part is the bot's user id (a snowflake: 17–20 digits) in base64. */
function isDiscordBotToken(token: string): boolean {
  return /^[0-9]{17,20}$/.test(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('latin1'));
}

/** Chat bots and webhooks, and email senders: each posts or mails as the organisation. */
const WEBHOOK_IMPACT = 'Posts any message, links included, into the group or channel as the bot: a ready-made phishing channel.';
const EMAIL_IMPACT = 'Sends email from the account\'s verified domains (phishing that passes SPF and DKIM) and reads its contact lists.';

export const collaborationDetectors: readonly Detector[] = [
  prefixed('secret-discord-bot-token', { provider: 'Discord', kind: 'bot token', shape: [[CLASS.base64url, 23, 27], '.', [CLASS.base64url, 6], '.', [CLASS.base64url, 27, 38]],
    // no prefix of its own: looked for near the word discord, and its first part must decode to a user id
    keywords: ['discord'], window: { before: 200, after: 200 }, check: isDiscordBotToken,
    finish: () => `${Buffer.from(`1${random.chars('0123456789', 18)}`).toString('base64url')}.${random.chars(CLASS.base64url.chars, 6)}.${random.chars(CLASS.alnum.chars, 38)}`,
    corrupt: (sample) => `${Buffer.from('not-a-user-id-at-all').toString('base64url')}${sample.slice(sample.indexOf('.'))}`,
    impact: 'Logs in as the bot: reads every message of the servers it is in, and posts, bans or deletes by its permissions.', revoke: 'Reset the token on the application\'s Bot page in the Developer Portal.', reference: 'https://discord.com/developers/docs/reference#authentication' }),
  prefixed('secret-telegram-bot-token', { provider: 'Telegram', kind: 'bot token', shape: [[CLASS.digits, 8, 10], ':AA', [CLASS.base64url, 32, 33]], keywords: [':aa'],
    impact: 'Controls the bot: reads every message sent to it and its groups, and posts as it.', revoke: 'Send /revoke to @BotFather for the bot and update its deployments.', reference: 'https://core.telegram.org/bots/api#authorizing-your-bot' }),
  prefixed('secret-google-chat-webhook', { provider: 'Google Chat', kind: 'incoming webhook URL', shape: ['https://chat.googleapis.com/v1/spaces/', [CLASS.base64url, 11], '/messages?key=AIza', [CLASS.base64url, 35], '&token=', [CLASS.base64url, 43]],
    keywords: ['chat.googleapis.com/v1/spaces/'], boundary: 'A-Za-z0-9%', impact: WEBHOOK_IMPACT, revoke: 'Delete the webhook in the space\'s Apps & integrations and create a new one.', reference: 'https://developers.google.com/workspace/chat/quickstart/webhooks' }),
  prefixed('secret-feishu-webhook', { provider: 'Feishu', kind: 'bot webhook URL', shape: ['https://open.feishu.cn/open-apis/bot/v2/hook/', ...UUID], keywords: ['open.feishu.cn/open-apis/bot/'], boundary: 'A-Za-z0-9',
    impact: WEBHOOK_IMPACT, revoke: 'Remove the custom bot from the group (or reset its webhook) and add a new one with signature verification.', reference: 'https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot' }),
  prefixed('secret-lark-webhook', { provider: 'Lark', kind: 'bot webhook URL', shape: ['https://open.larksuite.com/open-apis/bot/v2/hook/', ...UUID], keywords: ['open.larksuite.com/open-apis/bot/'], boundary: 'A-Za-z0-9',
    impact: WEBHOOK_IMPACT, revoke: 'Remove the custom bot from the group (or reset its webhook) and add a new one with signature verification.', reference: 'https://open.larksuite.com/document/client-docs/bot-v3/add-custom-bot' }),
  prefixed('secret-dingtalk-webhook', { provider: 'DingTalk', kind: 'robot webhook URL', shape: ['https://oapi.dingtalk.com/robot/send?access_token=', [CLASS.hex, 64]], keywords: ['oapi.dingtalk.com/robot/send'], boundary: 'A-Za-z0-9',
    impact: WEBHOOK_IMPACT, revoke: 'Remove the robot from the group and add a new one with a signing secret.', reference: 'https://open.dingtalk.com/document/orgapp/custom-robot-access' }),
  prefixed('secret-wecom-webhook', { provider: 'WeCom', kind: 'group robot webhook URL', shape: ['https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=', ...UUID], keywords: ['qyapi.weixin.qq.com/cgi-bin/webhook/'], boundary: 'A-Za-z0-9',
    impact: WEBHOOK_IMPACT, revoke: 'Remove the group robot and add a new one.', reference: 'https://developer.work.weixin.qq.com/document/path/91770' }),
  prefixed('secret-zapier-webhook', { provider: 'Zapier', kind: 'catch hook URL', shape: ['https://hooks.zapier.com/hooks/catch/', [CLASS.digits, 5, 10], '/', [CLASS.lowerAlnum, 6, 8]], keywords: ['hooks.zapier.com/hooks/catch/'], boundary: 'A-Za-z0-9', severity: 'high',
    impact: 'Starts the Zap with any input: whatever it does downstream (messages, records, emails) runs on forged data.', revoke: 'Turn the Zap\'s webhook trigger off and create a new hook URL.', reference: 'https://help.zapier.com/hc/en-us/articles/8496288690317' }),
  prefixed('secret-ifttt-webhook-key', { provider: 'IFTTT', kind: 'webhooks key', shape: ['maker.ifttt.com/', [{ regex: 'A-Za-z0-9_/{}-', chars: 'abcdefghijklmnop' }, 4, 80], '/key/', [CLASS.base64url, 22]], keywords: ['maker.ifttt.com/'],
    impact: 'Triggers every applet of the account that listens to webhooks.', revoke: 'Regenerate the key in the Webhooks service settings.', reference: 'https://ifttt.com/maker_webhooks' }),
  prefixed('secret-brevo-api-key', { provider: 'Brevo (Sendinblue)', kind: 'API key', shape: ['xkeysib-', [CLASS.hex, 64], '-', [CLASS.alnum, 16]],
    impact: EMAIL_IMPACT, revoke: 'Delete the key under SMTP & API → API keys.', reference: 'https://developers.brevo.com/docs/getting-started' }),
  prefixed('secret-brevo-smtp-key', { provider: 'Brevo (Sendinblue)', kind: 'SMTP key', shape: ['xsmtpsib-', [CLASS.hex, 64], '-', [CLASS.alnum, 16]],
    impact: EMAIL_IMPACT, revoke: 'Delete the key under SMTP & API → SMTP.', reference: 'https://help.brevo.com/hc/en-us/articles/7959631848850' }),
  prefixed('secret-mailersend-token', { provider: 'MailerSend', kind: 'API token', shape: ['mlsn.', [CLASS.hex, 64]],
    impact: EMAIL_IMPACT, revoke: 'Delete the token under Integrations → API tokens.', reference: 'https://developers.mailersend.com/general.html#authentication' }),
  prefixed('secret-resend-api-key', { provider: 'Resend', kind: 'API key', shape: ['re_', [CLASS.alnum, 8], '_', [CLASS.alnum, 24]],
    impact: EMAIL_IMPACT, revoke: 'Delete the key at resend.com/api-keys.', reference: 'https://resend.com/docs/dashboard/api-keys/introduction' }),
  prefixed('secret-mailgun-signing-key', { provider: 'Mailgun', kind: 'API or webhook signing key', shape: [[CLASS.hex, 32], '-', [CLASS.hex, 8], '-', [CLASS.hex, 8]], keywords: ['mailgun'], boundary: 'A-Za-z0-9-', window: { before: 0, after: 160 },
    impact: EMAIL_IMPACT, revoke: 'Rotate the key under API Security in the Mailgun control panel.', reference: 'https://documentation.mailgun.com/docs/mailgun/api-reference/authentication/' }),
  prefixed('secret-mailgun-legacy-key', { provider: 'Mailgun', kind: 'legacy private API key (key-…)', shape: ['key-', [CLASS.hex, 32]], keywords: ['mailgun'], boundary: 'A-Za-z0-9', window: { before: 0, after: 160 },
    impact: EMAIL_IMPACT, revoke: 'Rotate the key under API Security in the Mailgun control panel.', reference: 'https://documentation.mailgun.com/docs/mailgun/api-reference/authentication/' }),
];
