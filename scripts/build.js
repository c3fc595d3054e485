// Bundles the command-line tool, the language server, the debug adapter and the extension with
// esbuild. Runs on `npm install` (the "prepare" script) so a fresh clone has `dist/ebpf.js` at once.
'use strict';
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
// `--production` (used when packaging the .vsix) minifies and leaves out source maps.
const production = process.argv.includes('--production');
const entries = [
  { in: 'core/src/cli/main.ts', out: 'ebpf', banner: '#!/usr/bin/env node' },
  { in: 'server/src/main.ts', out: 'server' },
  { in: 'debugger/src/main.ts', out: 'debugAdapter' },
  { in: 'client/src/extension.ts', out: 'extension' },
].filter((e) => fs.existsSync(path.join(root, e.in)));

for (const e of entries) {
  esbuild.buildSync({
    entryPoints: [path.join(root, e.in)],
    outfile: path.join(root, 'dist', `${e.out}.js`),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: !production,
    minify: production,
    external: ['vscode'],
    banner: e.banner ? { js: e.banner } : undefined,
    logLevel: 'warning',
  });
}
const cli = path.join(root, 'dist', 'ebpf.js');
if (fs.existsSync(cli)) fs.chmodSync(cli, 0o755);
