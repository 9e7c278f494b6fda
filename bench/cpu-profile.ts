import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
}

/** Samples of a process waiting for work: left out, so that shares are of the time the server was busy. */
const IDLE = '(idle) (native)';

/**
 * The frames that spent the most samples themselves (self time) across the .cpuprofile files of
 * `directory`, as Markdown rows: function, file:line, % of the busy (not idle) samples.
 */
export async function topSelfFrames(directory: string, count = 15): Promise<string> {
  const files = (await readdir(directory)).filter((file) => file.endsWith('.cpuprofile'));
  const samplesByFrame = new Map<string, number>();
  let total = 0;
  for (const file of files) {
    const profile = JSON.parse(await readFile(join(directory, file), 'utf8')) as CpuProfile;
    const frameOf = new Map(profile.nodes.map((node) => [node.id, frameName(node)]));
    for (const id of profile.samples) {
      const frame = frameOf.get(id) ?? '(unknown)';
      if (frame === IDLE) continue;
      samplesByFrame.set(frame, (samplesByFrame.get(frame) ?? 0) + 1);
      total += 1;
    }
  }
  const rows = [...samplesByFrame]
    .sort(([, a], [, b]) => b - a)
    .slice(0, count)
    .map(([frame, samples]) => `| ${frame} | ${((100 * samples) / total).toFixed(1)} % |`);
  return [
    `${files.length} profile(s), ${total} busy samples`,
    '',
    '| function (file:line) | self (% of busy) |',
    '|---|---|',
    ...rows,
  ].join('\n');
}

function frameName({ callFrame: { functionName, url, lineNumber } }: ProfileNode): string {
  const file = url.startsWith('file://') ? relative(process.cwd(), new URL(url).pathname) : url;
  // lineNumber is 0-based in the profile.
  return `${functionName || '(anonymous)'} (${file ? `${file}:${lineNumber + 1}` : 'native'})`;
}
