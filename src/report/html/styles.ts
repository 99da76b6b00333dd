/** The report's stylesheet: inline, no fonts or images to fetch, AA contrast, and a print layout. */
export const STYLES = `
:root {
  --ink: #0f172a; --muted: #475569; --line: #d7dde5; --paper: #ffffff; --wash: #f4f6f9; --accent: #1e3a5f;
  --critical: #86198f; --high: #b91c1c; --medium: #a35200; --low: #1d4ed8; --info: #475569;
  --ok: #166534; --focus: #f59e0b;
  --mono: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: var(--wash); }
a { color: #1d4ed8; }
a:hover { color: #1e3a8a; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
code, pre, kbd { font-family: var(--mono); font-size: 0.9em; }
code { background: #eef1f5; padding: 0.05em 0.3em; border-radius: 3px; }
kbd { border: 1px solid var(--line); border-bottom-width: 2px; border-radius: 4px; padding: 0 0.35em; background: var(--paper); }
.skip-link { position: absolute; left: -999px; top: 0; background: var(--paper); padding: 0.5em 1em; z-index: 10; }
.skip-link:focus { left: 1em; }
.masthead { background: var(--accent); color: #fff; }
.masthead-inner, main, .site-footer { max-width: 1120px; margin: 0 auto; padding: 0 24px; }
.masthead-inner { padding-top: 22px; padding-bottom: 22px; display: flex; gap: 18px; align-items: center; flex-wrap: wrap; }
.logo { width: 40px; height: 40px; flex: none; }
.masthead h1 { margin: 0; font-size: 1.45rem; letter-spacing: 0.01em; }
.masthead .subtitle { margin: 2px 0 0; color: #dbe5f1; font-size: 0.92rem; }
.masthead .subtitle code { background: rgba(255,255,255,0.14); color: #fff; }
.verdict { margin-left: auto; padding: 6px 14px; border-radius: 999px; font-weight: 600; background: #fff; }
.verdict.fail { color: var(--high); }
.verdict.pass { color: var(--ok); }
.verdict.incomplete { color: #7c2d12; }
.verdict.neutral { color: var(--ink); }
main { padding-top: 24px; padding-bottom: 40px; }
.panel { background: var(--paper); border: 1px solid var(--line); border-radius: 10px; padding: 20px 22px; margin-bottom: 22px; }
.overview { display: grid; grid-template-columns: minmax(0, 1fr); gap: 18px; }
.cards { list-style: none; display: flex; gap: 10px; padding: 0; margin: 0; flex-wrap: wrap; }
.card { flex: 1 1 110px; border: 1px solid var(--line); border-left: 5px solid var(--sev); border-radius: 8px; padding: 8px 12px; background: var(--paper); }
.card-count { display: block; font-size: 1.6rem; font-weight: 700; line-height: 1.1; }
.card-label { text-transform: capitalize; color: var(--muted); font-size: 0.85rem; }
.sev-critical { --sev: var(--critical); } .sev-high { --sev: var(--high); } .sev-medium { --sev: var(--medium); }
.sev-low { --sev: var(--low); } .sev-info { --sev: var(--info); }
.run-facts { margin: 0; color: var(--muted); font-size: 0.88rem; }
.table-scroll { overflow-x: auto; }
.heatmap { border-collapse: separate; border-spacing: 4px; width: 100%; }
.heatmap caption { text-align: left; font-weight: 700; font-size: 1.05rem; padding: 0 4px 6px; }
.heatmap th { text-align: left; font-weight: 600; padding: 6px 8px; }
.heatmap thead th { font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); text-align: center; }
.heatmap thead th:first-child { text-align: left; }
.heatmap tbody th { width: 32%; }
.layer-name { display: block; }
.layer-guards { display: block; font-weight: 400; font-size: 0.8rem; color: var(--muted); }
.heat { text-align: center; border-radius: 6px; width: 10%; height: 46px; padding: 0; font-weight: 700; font-size: 1.05rem; }
.heat-0 { background: #f5f7fa; color: #5b6777; font-weight: 400; }
.heat-1 { background: color-mix(in srgb, var(--sev) 14%, white); color: var(--ink); }
.heat-2 { background: color-mix(in srgb, var(--sev) 28%, white); color: var(--ink); }
.heat-3 { background: color-mix(in srgb, var(--sev) 50%, white); color: #111827; }
.heat-4 { background: var(--sev); color: #fff; }
.heat-cell { all: unset; box-sizing: border-box; display: block; width: 100%; height: 46px; line-height: 46px; cursor: pointer; border-radius: 6px; }
.heat-cell:hover { box-shadow: inset 0 0 0 2px var(--ink); }
.heat-cell:focus-visible { outline: 3px solid var(--focus); outline-offset: 1px; }
.heat-cell[aria-pressed="true"] { box-shadow: inset 0 0 0 3px var(--ink); }
.heat-total { text-align: center; color: var(--muted); font-size: 0.85rem; white-space: nowrap; }
.layer-status { font-weight: 600; }
.layer-status.ok { color: var(--ok); }
.layer-status.breached { color: var(--high); }
tfoot th, tfoot td { border-top: 1px solid var(--line); }
.hint { color: var(--muted); font-size: 0.85rem; margin: 6px 0 0; }
.filters { position: sticky; top: 0; z-index: 5; display: flex; flex-wrap: wrap; gap: 12px 16px; align-items: flex-end; background: var(--paper); border: 1px solid var(--line); border-radius: 10px; padding: 14px 18px; margin-bottom: 22px; box-shadow: 0 2px 6px rgba(15,23,42,0.06); }
.filters label { display: flex; flex-direction: column; font-size: 0.78rem; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: 0.04em; gap: 4px; }
.filters input, .filters select { font: inherit; font-size: 0.95rem; font-weight: 400; text-transform: none; letter-spacing: 0; color: var(--ink); border: 1px solid #8a96a8; border-radius: 6px; padding: 6px 8px; background: var(--paper); min-width: 160px; max-width: 280px; }
.filters input[type="search"] { min-width: 240px; }
.filters button { font: inherit; font-size: 0.9rem; border: 1px solid #8a96a8; background: var(--wash); color: var(--ink); border-radius: 6px; padding: 7px 12px; cursor: pointer; }
.filters button:hover { background: #e6eaf0; }
.filter-status { margin: 0 0 0 auto; font-size: 0.9rem; color: var(--muted); align-self: center; }
.layer > h2 { font-size: 1.25rem; margin: 28px 0 10px; display: flex; align-items: center; gap: 10px; }
.count { display: inline-block; min-width: 1.8em; text-align: center; font-size: 0.78rem; font-weight: 700; background: #e2e8f0; color: var(--ink); border-radius: 999px; padding: 1px 8px; }
.file { background: var(--paper); border: 1px solid var(--line); border-radius: 10px; margin-bottom: 14px; overflow: hidden; }
.file-path { margin: 0; font-size: 0.95rem; font-family: var(--mono); font-weight: 600; padding: 10px 16px; background: #f8fafc; border-bottom: 1px solid var(--line); display: flex; align-items: center; gap: 10px; word-break: break-all; }
.finding { padding: 14px 16px 12px; border-left: 5px solid var(--sev); }
.group-rule { font-size: 0.85rem; font-weight: 500; color: var(--muted); }
.group > summary { padding: 12px 16px; cursor: pointer; display: list-item; }
.group > summary .badge { margin-right: 8px; }
.group[open] > summary { border-bottom: 1px solid var(--line); }
.group > summary:focus-visible { outline: 3px solid var(--focus); outline-offset: -3px; }
.finding + .finding { border-top: 1px solid var(--line); }
.finding:focus { outline: 3px solid var(--focus); outline-offset: -3px; }
.finding-head { display: flex; align-items: baseline; gap: 10px; flex-wrap: wrap; }
.finding-message { margin: 0; font-size: 1rem; font-weight: 600; flex: 1 1 420px; }
.badge { display: inline-block; font-size: 0.72rem; font-weight: 700; text-transform: uppercase; letter-spacing: 0.05em; padding: 2px 8px; border-radius: 4px; color: #fff; background: var(--sev); }
.rule-link { font-family: var(--mono); font-size: 0.82rem; }
.finding-meta { margin: 4px 0 8px; font-size: 0.85rem; color: var(--muted); }
.location { font-family: var(--mono); }
.prop { margin-left: 12px; }
.prop-key { font-weight: 600; }
.code, .diff { margin: 0 0 10px; padding: 8px 12px; background: #0f172a; color: #e2e8f0; border-radius: 6px; white-space: pre-wrap; word-break: break-all; line-height: 1.45; }
.code code, .diff code { background: none; color: inherit; padding: 0; font-size: 1em; }
.code mark { background: #fde68a; color: #111827; border-radius: 2px; padding: 0 1px; }
.line-number { display: inline-block; min-width: 3.5em; color: #94a3b8; user-select: none; }
.advice { display: grid; gap: 0 24px; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); }
.advice h5 { margin: 0 0 2px; font-size: 0.75rem; text-transform: uppercase; letter-spacing: 0.06em; color: var(--muted); }
.advice p { margin: 0 0 8px; }
.diff { background: #f8fafc; color: var(--ink); border: 1px solid var(--line); }
.diff .del { display: block; background: #fde8e8; }
.diff .ins { display: block; background: #dcfce7; }
.diff .sign { display: inline-block; width: 1.4em; font-weight: 700; }
.command { font-weight: 600; white-space: nowrap; }
.diagnostics h2 { margin-top: 0; font-size: 1.05rem; display: flex; gap: 10px; align-items: center; }
.diagnostics.incomplete { border-color: #f59e0b; background: #fffbeb; }
.diagnostics ul { margin: 0; padding-left: 0; list-style: none; }
.diagnostic { padding: 4px 0; font-size: 0.9rem; }
.diag-kind { display: inline-block; min-width: 7.5em; font-size: 0.72rem; font-weight: 700; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); }
.diag-incomplete .diag-kind { color: #9a3412; }
.images h2 { margin-top: 0; font-size: 1.05rem; display: flex; gap: 10px; align-items: center; }
.image-card { border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; margin-top: 12px; }
.image-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 8px 12px; }
.image-name { margin: 0; font-size: 0.95rem; word-break: break-all; }
.image-counts { margin-left: auto; display: flex; gap: 6px; flex-wrap: wrap; }
.image-status { font-weight: 600; font-size: 0.85rem; }
.image-status.ok { color: var(--ok); }
.image-status.error { color: #9a3412; }
.tag-resolved { font-size: 0.78rem; color: var(--muted); border: 1px solid var(--line); border-radius: 4px; padding: 0 6px; }
.image-body { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 2fr); gap: 0 24px; margin-top: 8px; }
.image-body h4 { margin: 0 0 2px; font-size: 0.75rem; text-transform: uppercase; letter-spacing: 0.06em; color: var(--muted); }
.image-lines { margin: 0; padding-left: 0; list-style: none; font-size: 0.85rem; }
.image-facts { margin: 0 0 4px; font-size: 0.88rem; }
.image-error { margin: 0 0 4px; color: #9a3412; font-size: 0.9rem; }
.image-findings > summary { cursor: pointer; margin-top: 8px; font-size: 0.9rem; }
.image-findings ul { margin: 6px 0 0; padding-left: 0; list-style: none; }
.image-finding { padding: 4px 0 4px 8px; border-left: 4px solid var(--sev); margin-bottom: 4px; font-size: 0.88rem; }
.image-rule { font-size: 0.8rem; }
.empty, .no-match { background: var(--paper); border: 1px dashed var(--line); border-radius: 10px; padding: 28px; text-align: center; color: var(--muted); font-size: 1.05rem; }
.site-footer { color: var(--muted); font-size: 0.82rem; padding-bottom: 30px; }
[hidden] { display: none !important; }
/* large reports: skip layout and painting of off-screen files */
@media screen { .file { content-visibility: auto; contain-intrinsic-size: auto 320px; } }
@media (max-width: 700px) {
  .advice, .image-body { grid-template-columns: minmax(0, 1fr); }
  .heatmap tbody th { width: auto; } .layer-guards { display: none; } .filters { position: static; }
}
@media print {
  body { background: #fff; font-size: 11pt; }
  .masthead { background: #fff; color: var(--ink); border-bottom: 2px solid var(--ink); }
  .masthead .subtitle, .masthead .subtitle code { color: var(--ink); background: none; }
  .verdict { border: 1px solid var(--ink); }
  .filters, .skip-link, .hint, .keys, .logo { display: none !important; }
  .table-scroll { overflow: visible; }
  .panel, .file { border-color: #999; break-inside: avoid; }
  .finding { break-inside: avoid; }
  .group > summary { list-style: none; }
  .code { background: #fff; color: #000; border: 1px solid #999; }
  .code code, .diff code { background: none; color: inherit; padding: 0; font-size: 1em; }
.code mark { background: none; text-decoration: underline; font-weight: 700; }
  .heat-cell { height: auto; line-height: 1.5; }
  .heat, .badge, .card, .finding, .diff .del, .diff .ins { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: var(--ink); text-decoration: none; }
  .rule-link::after { content: " <" attr(href) ">"; font-size: 0.8em; word-break: break-all; }
}
`;
