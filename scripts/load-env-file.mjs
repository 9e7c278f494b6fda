/**
 * `node --import ./scripts/load-env-file.mjs …`: reads `.env` from the working directory, when there
 * is one, before the script parses its environment. Variables already in the environment win
 * (Node's rule); under NODE_ENV=test nothing is read, so a developer's file cannot change the tests.
 * The server (src/main.ts) reads it the same way by itself.
 */
import { existsSync } from 'node:fs';

if (process.env.NODE_ENV !== 'test' && existsSync('.env')) process.loadEnvFile('.env');
