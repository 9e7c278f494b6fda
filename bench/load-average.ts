import { loadavg } from 'node:os';

/** Prints the machine's load average (1, 5, 15 min): a benchmark's spread is read against it. */
export function printLoadAverage(when: string): void {
  const [one, five, fifteen] = loadavg().map((load) => load.toFixed(1));
  console.log(`load average at ${when}: ${one} ${five} ${fifteen}`);
}
