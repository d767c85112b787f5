// Bundles src/index.jsx (GraphiQL and React) into ../assets/graphiql/,
// which hasone-actix/src/graphiql.rs embeds in the binary:
//   graphiql.js, graphiql.css    minified, no source maps, no external URLs
//   graphiql.js.gz, .css.gz      the same, gzip-compressed (served when accepted)
//   LICENSES.txt                 the license of every bundled package
// Run with `npm ci && npm run build` (see docs/graphiql.md).
import { build } from 'esbuild';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const outdir = join(here, '..', 'assets', 'graphiql');

const result = await build({
  entryPoints: { graphiql: join(here, 'src', 'index.jsx') },
  outdir,
  bundle: true,
  minify: true,
  format: 'iife',
  platform: 'browser',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  jsx: 'automatic',
  define: { 'process.env.NODE_ENV': '"production"' },
  legalComments: 'eof',
  sourcemap: false,
  metafile: true,
  logLevel: 'warning',
});

// Compressed copies; gzip output is deterministic (no name, mtime 0).
for (const file of ['graphiql.js', 'graphiql.css']) {
  const raw = readFileSync(join(outdir, file));
  writeFileSync(join(outdir, `${file}.gz`), gzipSync(raw, { level: 9 }));
}

// LICENSES.txt: each package that contributed code, with its license text.
const packages = new Map();
for (const input of Object.keys(result.metafile.inputs)) {
  const match = input.match(/^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//);
  if (match) packages.set(match[1], true);
}
const notices = [...packages.keys()]
  .map((dir) => {
    const abs = join(here, dir);
    const pkg = JSON.parse(readFileSync(join(abs, 'package.json'), 'utf8'));
    const licenseFile = readdirSync(abs).find((f) => /^licen[cs]e(\.(md|txt))?$/i.test(f));
    const text = licenseFile
      ? readFileSync(join(abs, licenseFile), 'utf8').trim()
      : `(no license file; package.json says ${pkg.license})`;
    return { id: `${pkg.name}@${pkg.version}`, license: pkg.license, text };
  })
  .sort((a, b) => a.id.localeCompare(b.id));
writeFileSync(
  join(outdir, 'LICENSES.txt'),
  `Third-party software bundled in graphiql.js and graphiql.css\n\n` +
    notices.map((n) => `=== ${n.id} (${n.license})\n\n${n.text}\n`).join('\n'),
);

for (const file of ['graphiql.js', 'graphiql.css', 'graphiql.js.gz', 'graphiql.css.gz', 'LICENSES.txt']) {
  const kib = (statSync(join(outdir, file)).size / 1024).toFixed(0);
  console.log(`${relative(here, join(outdir, file))}: ${kib} KiB`);
}
const version = (name) =>
  JSON.parse(readFileSync(join(here, 'node_modules', name, 'package.json'), 'utf8')).version;
console.log(
  `bundled ${packages.size} packages: ` +
    ['graphiql', 'react', 'react-dom', 'graphql'].map((n) => `${n}@${version(n)}`).join(', '),
);
if (!existsSync(join(outdir, 'graphiql.js'))) process.exit(1);
