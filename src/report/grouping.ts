import type { Finding } from '../model/finding.js';

/** A rule firing this often (at one severity) under one folder is shown once, with its places listed. */
export const GROUP_THRESHOLD = 10;

/** One rule's findings of one severity under one folder, shown as a single entry. */
export interface FindingGroup {
  readonly ruleId: string;
  readonly severity: Finding['severity'];
  /** the folder, relative to the scanned root, with a trailing slash; `./` for the root itself */
  readonly folder: string;
  /** in file and line order */
  readonly findings: readonly Finding[];
  readonly files: number;
}

export interface GroupedFindings {
  /** findings shown one by one, in their given order */
  readonly single: readonly Finding[];
  readonly groups: readonly FindingGroup[];
}

/**
 * Human reports group repetition: when a rule fires at least `threshold` times under a folder, those
 * findings become one entry. Each finding goes to the deepest folder above it (its own included)
 * where its rule and severity reach the threshold, so that a folder dense with findings keeps its
 * own entry and scattered ones gather where they add up; a folder left with fewer than the
 * threshold (its dense subfolders took the rest) lists them one by one. JSON and SARIF never group.
 */
export function groupFindings(findings: readonly Finding[], threshold = GROUP_THRESHOLD): GroupedFindings {
  const byKind = new Map<string, Finding[]>();
  for (const finding of findings) {
    const key = `${finding.ruleId}\0${finding.severity}`;
    const list = byKind.get(key);
    if (list) list.push(finding);
    else byKind.set(key, [finding]);
  }
  const grouped = new Set<Finding>();
  const groups: FindingGroup[] = [];
  for (const list of byKind.values()) {
    if (list.length < threshold) continue;
    const below = new Map<string, number>();
    for (const finding of list) for (const folder of foldersAbove(finding.location.path)) below.set(folder, (below.get(folder) ?? 0) + 1);
    const members = new Map<string, Finding[]>();
    for (const finding of list) {
      const folder = foldersAbove(finding.location.path).find((candidate) => (below.get(candidate) ?? 0) >= threshold);
      if (folder === undefined) continue;
      const group = members.get(folder);
      if (group) group.push(finding);
      else members.set(folder, [finding]);
    }
    for (const [folder, inFolder] of members) {
      if (inFolder.length < threshold) continue;
      inFolder.forEach((finding) => grouped.add(finding));
      const sorted = [...inFolder].sort((a, b) => a.location.path.localeCompare(b.location.path) || a.location.line - b.location.line);
      groups.push({
        ruleId: sorted[0]!.ruleId,
        severity: sorted[0]!.severity,
        folder: folder === '' ? './' : `${folder}/`,
        findings: sorted,
        files: new Set(sorted.map((finding) => finding.location.path)).size,
      });
    }
  }
  groups.sort((a, b) => a.folder.localeCompare(b.folder) || a.ruleId.localeCompare(b.ruleId));
  return { single: findings.filter((finding) => !grouped.has(finding)), groups };
}

/** The folders holding a path, deepest first, ending with '' for the root. */
function foldersAbove(path: string): string[] {
  const folders: string[] = [];
  for (let slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) folders.push(path.slice(0, slash));
  folders.push('');
  return folders;
}

/** `a.yaml:3, b.yaml:7, …` for a group's places, relative to its folder, at most `shown` of them. */
export function groupPlaces(group: FindingGroup, shown: number): string {
  const prefix = group.folder === './' ? '' : group.folder;
  const places = group.findings.slice(0, shown).map((finding) => `${finding.location.path.slice(prefix.length)}:${finding.location.line}`);
  const more = group.findings.length - places.length;
  return more > 0 ? `${places.join(', ')} and ${more} more` : places.join(', ');
}
