/**
 * Manifests written in a template language are not YAML until rendered. When a file does not parse,
 * these tell which language it is in, so the user reads "FreeMarker template" rather than a YAML error.
 * Checked in order: Jinja files also hold `{{ }}`, so Go templates come after it.
 */
const SYNTAXES: ReadonlyArray<{ readonly language: string; readonly pattern: RegExp }> = [
  // Terraform's templatefile(): `%{ for user in users }`, `%{~ if x ~}` … `%{ endif }`
  { language: 'Terraform', pattern: /%\{~?[ \t]*(?:if|for|else|endif|endfor)\b[^}\n]*\}/ },
  {
    language: 'FreeMarker',
    pattern: /<\/?#(?:if|elseif|else|list|items|sep|assign|local|global|include|import|macro|function|return|switch|case|default|on|break|attempt|recover|compress|noparse|ftl|setting|nested)\b|<@[\w.]+|\$\{[^}\n]*\?[a-z_]+[^}\n]*\}/,
  },
  { language: 'Jinja', pattern: /\{%-?[ \t]*(?:if|for|set|macro|block|extends|include|import|from|raw|filter|with|call|else|elif|end\w+)\b|\{#[^#\n]*#\}/ },
  // makejinja's delimiters (onedr0p's cluster-template): `#% if x %#`, `#{ value }#`
  { language: 'Jinja', pattern: /#%-?[ \t]*(?:if|for|set|macro|else|elif|end\w+)\b[^\n]*%#|#\{[^}\n]*\}#/ },
  { language: 'ERB', pattern: /<%[=#-]?[^\n]*?%>/ },
  { language: 'Go', pattern: /\{\{/ },
  // kubefirst-style placeholders replaced by a script before use: a line that is only `<NAME>`
  { language: 'placeholder', pattern: /^[ \t]*(?:-[ \t]+)?<[A-Z][A-Z0-9_]*>[ \t]*\r?$/m },
  // a value written as an upper-case placeholder to fill in: `privateToken: <REDACTED: PRIVATE TOKEN>`, `- <YOUR DOMAIN>`
  { language: 'placeholder', pattern: /^[ \t]*(?:-[ \t]+)?(?:[\w.-]+:[ \t]+)?<[A-Z][A-Z0-9_]*(?:[ :_-]+[A-Z0-9_]+)+>[ \t]*\r?$/m },
  // placeholders a Makefile or script replaces (sed, envsubst): `clusterIP: {SERVICE_IP_PREFIX}.16`
  { language: 'placeholder', pattern: /(?:^|[\s:,[-])\{[A-Z][A-Z0-9_]*\}/m },
  // autoconf-style placeholders a script replaces with sed: `name: @STS_NAME@` (YAML reserves `@` at the start of a plain value)
  { language: 'placeholder', pattern: /(?:^|[\s:,[-])@[A-Za-z_][A-Za-z0-9_]*@/m },
  // documentation snippets that leave lines out: an indented `...` line, or `....`
  { language: 'excerpt', pattern: /^(?:[ \t]+\.{3,}|\.{4,})[ \t]*\r?$/m },
];

export interface TemplateSyntax {
  readonly language: string;
  /** 1-based line of the first template syntax */
  readonly line: number;
}

/** A file named as a template of YAML (`x.yaml.j2`, `x.yaml.tmpl`): what its name says it is written in. */
export function templateLanguageOfName(path: string): string | undefined {
  const suffix = /\.ya?ml\.(j2|jinja2?|tmpl|tpl)$/i.exec(path)?.[1]?.toLowerCase();
  return suffix === undefined ? undefined : suffix.startsWith('j') ? 'Jinja' : 'Go';
}

export function templateSyntax(text: string): TemplateSyntax | undefined {
  for (const { language, pattern } of SYNTAXES) {
    const match = pattern.exec(text);
    if (!match) continue;
    let line = 1;
    for (let index = text.indexOf('\n'); index !== -1 && index < match.index; index = text.indexOf('\n', index + 1)) line += 1;
    return { language, line };
  }
  return undefined;
}

/** The diagnostic message for a template file: what was read, and what the user can do about the rest. */
export function templateMessage(syntax: TemplateSyntax): string {
  if (syntax.language === 'excerpt') {
    return `excerpt with elided lines (\`...\`, line ${syntax.line}): not a whole YAML file, so only its secrets and literal image lines were read. `
      + 'To leave it out, add it to `ignore:` in .rampart.yaml';
  }
  const what = syntax.language === 'placeholder' ? 'template with placeholders' : `${syntax.language} template`;
  return `${what} (line ${syntax.line}): not YAML until rendered, so only its secrets and literal image lines were read. `
    + 'To check it fully, scan the rendered output; to leave it out, add it to `ignore:` in .rampart.yaml';
}
