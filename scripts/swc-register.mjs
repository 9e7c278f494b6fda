/**
 * Runs the TypeScript sources without a build: `node --import ./scripts/swc-register.mjs src/main.ts`.
 * SWC strips the types and applies the legacy decorators with their metadata, exactly as the tests'
 * transform does (jest.config.js); it does not type-check (`npm run typecheck` and `npm run build` do).
 * Used by `npm run dev` (with Node's --watch, which sees every file loaded through these hooks) and
 * `npm run token`, so that neither waits for a whole build.
 */
import { existsSync, readFileSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';
import { transformSync } from '@swc/core';
import { swc as SWC_OPTIONS } from '../jest.config.js';

registerHooks({
  resolve(specifier, context, nextResolve) {
    // The sources import './file.js' (nodenext resolution): before a build, that is './file.ts'.
    if (context.parentURL?.endsWith('.ts') && /^\.{1,2}\//.test(specifier) && specifier.endsWith('.js')) {
      const source = new URL(`${specifier.slice(0, -3)}.ts`, context.parentURL);
      if (existsSync(source)) return nextResolve(source.href, context);
    }
    return nextResolve(specifier, context);
  },
  load(url, context, nextLoad) {
    if (!url.startsWith('file:') || !url.endsWith('.ts') || url.includes('/node_modules/')) {
      return nextLoad(url, context);
    }
    const filename = fileURLToPath(url);
    const { code } = transformSync(readFileSync(filename, 'utf8'), { ...SWC_OPTIONS, filename });
    return { format: 'module', source: code, shortCircuit: true };
  },
});
