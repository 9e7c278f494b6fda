/**
 * `npm run build` (and the first half of `npm start`): dist/ from the sources. Both steps only redo
 * what changed since the last build, so an unchanged tree costs a few stat calls: `tsc -b` compares
 * the sources with its build info (tsconfig.build.json is incremental) and rechecks only the files
 * that changed; the console bundle is skipped unless one of its files changed. They run side by side.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildConsole } from './build-console.mjs';

/**
 * TypeScript 7's native `tsc`, found the way its own `bin/tsc` finds it (that script is a Node
 * process that only starts the binary: going around it saves a Node start on every build).
 */
const typescript = dirname(fileURLToPath(import.meta.resolve('typescript/package.json')));
const { default: tscExecutable } = await import(pathToFileURL(join(typescript, 'lib/getExePath.js')).href);
const TSC = tscExecutable();

async function compileServer() {
  const tsc = spawn(TSC, ['--build', 'tsconfig.build.json'], { stdio: 'inherit' });
  const [code] = await once(tsc, 'exit');
  if (code !== 0) throw new Error(`tsc exited with code ${code}`);
}

const results = await Promise.allSettled([compileServer(), buildConsole()]);
const failures = results.filter((result) => result.status === 'rejected');
for (const { reason } of failures) console.error(reason instanceof Error ? reason.message : reason);
process.exitCode = failures.length > 0 ? 1 : 0;
