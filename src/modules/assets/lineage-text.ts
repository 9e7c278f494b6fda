import type { Lineage } from './asset-graph.js';

/**
 * A lineage graph as text a user pastes into a renderer: Mermaid (GitHub, Notion…) or Graphviz DOT.
 * Nodes are named by position (n0, n1…; the asset itself first), so no asset name ever becomes syntax:
 * names appear only inside escaped labels.
 */
export function lineageAsMermaid(lineage: Lineage): string {
  const ids = nodeIds(lineage);
  const label = (text: string) => text.replace(/[&"<>#]/g, (character) => `#${character.codePointAt(0)};`);
  return `${[
    'flowchart LR',
    ...lineage.nodes.map((node) => `  ${ids.get(node.id)}["${label(node.name)}<br/>${label(node.assetType)}"]`),
    ...lineage.edges.map((edge) => `  ${ids.get(edge.upstreamId)} -->|${edge.type}| ${ids.get(edge.downstreamId)}`),
    ...(lineage.truncated ? ['  %% truncated: more assets are within reach'] : []),
  ].join('\n')}\n`;
}

export function lineageAsDot(lineage: Lineage): string {
  const ids = nodeIds(lineage);
  const quoted = (text: string) => `"${text.replace(/["\\]/g, (character) => `\\${character}`).replace(/\r?\n/g, '\\n')}"`;
  return `${[
    'digraph lineage {',
    '  rankdir=LR;',
    ...(lineage.truncated ? ['  // truncated: more assets are within reach'] : []),
    ...lineage.nodes.map((node) => `  ${ids.get(node.id)} [label=${quoted(`${node.name}\n${node.assetType}`)}];`),
    ...lineage.edges.map((edge) => `  ${ids.get(edge.upstreamId)} -> ${ids.get(edge.downstreamId)} [label=${quoted(edge.type)}];`),
    '}',
  ].join('\n')}\n`;
}

function nodeIds(lineage: Lineage): Map<string, string> {
  return new Map(lineage.nodes.map((node, index) => [node.id, `n${index}`]));
}
