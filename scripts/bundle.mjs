// Bundles the CLI into dist/bundle/ so that start-up loads a handful of files instead of several
// hundred ES modules (about 0.2 s less for every run). Heavy, rarely used libraries stay in
// separate chunks loaded by dynamic import; the history worker is an entry point of its own.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

const REQUIRE_BANNER = "import { createRequire as __rampartRequire } from 'node:module'; const require = __rampartRequire(import.meta.url);";

// commander requires node:child_process at load, only to spawn `git-foo`-style subcommand executables,
// which Rampart has none of; loading it (and net, dgram with it) costs every command about 6 ms of CPU
const lazyChildProcessForCommander = {
  name: 'lazy-child-process-for-commander',
  setup(build) {
    build.onResolve({ filter: /^(?:node:)?child_process$/ }, (args) =>
      /[\\/]commander[\\/]/.test(args.importer) ? { path: 'child_process', namespace: 'lazy-child-process' } : undefined);
    build.onLoad({ filter: /.*/, namespace: 'lazy-child-process' }, () => ({
      contents: "module.exports = { get spawn() { return require('node:child_process').spawn; } };",
      loader: 'js',
    }));
  },
};

// chunk names carry content hashes: clear the old ones so the package ships only what is used
rmSync('dist/bundle', { recursive: true, force: true });

await build({
  entryPoints: ['src/cli/main.ts', 'src/cli/prefetch-history.ts', 'src/secrets/history/history-worker.ts', 'src/image/layer-secret-worker.ts', 'src/image/layer-inflate-worker.ts', 'src/image/malware/yara-x-worker.ts', 'src/admission/judge-worker.ts'],
  entryNames: '[name]',
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // a native (N-API) module: loaded from node_modules at run time, never bundled
  external: ['@litko/yara-x'],
  // CommonJS dependencies call require(); give the ES module bundle one
  banner: { js: REQUIRE_BANNER },
  plugins: [lazyChildProcessForCommander],
});

// esbuild puts the banner in every chunk; a chunk that never names `require` loses it (its line stays,
// empty, for the source map): each createRequire costs start-up about 0.2 ms, and a run loads dozens
for (const name of readdirSync('dist/bundle')) {
  if (!name.endsWith('.js')) continue;
  const file = `dist/bundle/${name}`;
  const text = readFileSync(file, 'utf8');
  if (!text.startsWith(REQUIRE_BANNER)) continue;
  const body = text.slice(REQUIRE_BANNER.length);
  if (!/(?:^|[^\w$.])require(?![\w$])/.test(body)) writeFileSync(file, body);
}
