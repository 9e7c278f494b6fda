/**
 * TypeScript's compiler API for openapi-typescript (see generate-client.ts): TypeScript 7, the
 * project's compiler, has none; ts-morph bundles TypeScript 6's, and installs no second `tsc`.
 */
import tsMorph from 'ts-morph';

export default tsMorph.ts;
