import type { Lineage } from './asset-graph.js';
import { lineageAsDot, lineageAsMermaid } from './lineage-text.js';

const lineage: Lineage = {
  nodes: [
    { id: 'a', name: 'orders', assetType: 'table', depth: 0, global: false },
    { id: 'b', name: 'say "hi"]; n0 --> evil\\', assetType: 'view', depth: 1, global: true },
  ],
  edges: [{ upstreamId: 'b', downstreamId: 'a', type: 'data' }],
  truncated: false,
};

describe('lineage as text', () => {
  it('writes Mermaid with the asset first and the names only inside escaped labels', () => {
    expect(lineageAsMermaid(lineage)).toBe(
      ['flowchart LR', '  n0["orders<br/>table"]', '  n1["say #34;hi#34;]; n0 --#62; evil\\<br/>view"]', '  n1 -->|data| n0', ''].join(
        '\n',
      ),
    );
  });

  it('writes DOT with quoted, escaped labels', () => {
    expect(lineageAsDot(lineage)).toBe(
      [
        'digraph lineage {',
        '  rankdir=LR;',
        '  n0 [label="orders\\ntable"];',
        '  n1 [label="say \\"hi\\"]; n0 --> evil\\\\\\nview"];',
        '  n1 -> n0 [label="data"];',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('says when the graph was cut', () => {
    expect(lineageAsMermaid({ ...lineage, truncated: true })).toContain('%% truncated');
    expect(lineageAsDot({ ...lineage, truncated: true })).toContain('// truncated');
  });
});
