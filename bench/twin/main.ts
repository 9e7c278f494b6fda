import { parseEnvironment } from '../../src/config/environment.js';
import { startThinTwin } from './twin-server.js';

/** The thin twin as a process of its own (bench/compare.ts starts it beside Tessera), configured like Tessera. */
const environment = parseEnvironment(process.env);
const twin = await startThinTwin(environment.DATABASE_URL ?? '', environment, environment.PORT);
process.once('SIGTERM', () => void twin.close().then(() => process.exit(0)));
