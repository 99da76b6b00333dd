/** An OSV source that cannot be read (a missing path, a broken zip): its own module, so that the store need not load the readers (yauzl) to name it. */
export class SourceError extends Error {}
