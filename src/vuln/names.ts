/** The key a package name is stored and looked up under: as the ecosystem compares names. */
export function packageKey(ecosystem: string, name: string): string {
  switch (ecosystem) {
    case 'PyPI':
      // PEP 503: runs of -, _ and . are one -, case-insensitive
      return name.toLowerCase().replace(/[-_.]+/g, '-');
    case 'crates.io':
    case 'Maven':
      return name.toLowerCase();
    default:
      return name;
  }
}
