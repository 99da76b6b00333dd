import { provideWorkspaceParsing } from './workspace-core.js';
import * as parsing from './workspace-parsing.js';

// Importing the workspace from here brings its parsers with it; `rampart scan` imports
// workspace-core.js and loads them only when a rule will parse (`loadWorkspaceParsing`).
provideWorkspaceParsing(parsing);

export { loadWorkspaceParsing, Workspace, type ChartInfo } from './workspace-core.js';
