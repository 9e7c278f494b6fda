/**
 * Bundles the audit console (src/console) into dist/console with esbuild: `npm run build:console`,
 * and part of `npm run build`. Skipped when no file of the last bundle changed since it was written
 * (esbuild's metafile lists every file it read), so that `npm start` on an unchanged tree does not wait for it.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** Outside dist/console, which is served as it is. */
const METAFILE = 'dist/console.meta.json';
const THIS_SCRIPT = fileURLToPath(import.meta.url);

export async function buildConsole() {
  if (await bundleIsFresh()) return;
  const { build } = await import('esbuild');
  const { metafile } = await build({
    entryPoints: ['src/console/main.ts', 'src/console/console.css', 'src/console/index.html'],
    bundle: true,
    minify: true,
    sourcemap: true,
    target: 'es2022',
    loader: { '.html': 'copy' },
    outdir: 'dist/console',
    logLevel: 'warning',
    metafile: true,
  });
  await writeFile(METAFILE, JSON.stringify(metafile));
}

/** Every output is there and newer than every input, this script (its options) included. */
async function bundleIsFresh() {
  const metafile = await readFile(METAFILE, 'utf8').then(JSON.parse, () => undefined);
  if (!metafile) return false;
  const modified = (files) =>
    Promise.all(
      files.map((file) =>
        stat(file).then(
          ({ mtimeMs }) => mtimeMs,
          () => undefined,
        ),
      ),
    );
  const [inputs, outputs] = await Promise.all([
    modified([THIS_SCRIPT, ...Object.keys(metafile.inputs)]),
    modified(Object.keys(metafile.outputs)),
  ]);
  if (inputs.includes(undefined) || outputs.includes(undefined)) return false;
  return Math.max(...inputs) < Math.min(...outputs);
}

if (process.argv[1] === THIS_SCRIPT) await buildConsole();
