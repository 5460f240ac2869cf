/**
 * Lays out an entity and its direct neighbours for the relations view: the entity in the middle,
 * each neighbour on a ring around it, one edge per neighbour labelled with every relation between them.
 */
export interface NeighbourNode {
  ref: string;
  x: number;
  y: number;
  /** Relation types from the centre entity to this neighbour, e.g. ['ownedBy']. */
  relations: string[];
}

export interface NeighbourLayout {
  width: number;
  height: number;
  centre: { x: number; y: number };
  nodes: NeighbourNode[];
  /** Neighbours left out because of `maxNeighbours`. */
  hidden: number;
}

export interface LayoutOptions {
  /** Distance between the centre and the ring of neighbours. */
  radius?: number;
  /** Horizontal room kept for node labels on each side. */
  margin?: number;
  /** Draw at most this many neighbours (the first in ref order); the rest are counted in `hidden`. */
  maxNeighbours?: number;
}

const MANY_SIDE_RELATIONS = new Set([
  'ownerOf',
  'hasMember',
  'hasPart',
  'parentOf',
  'dependencyOf',
  'apiProvidedBy',
  'apiConsumedBy',
]);

export function layoutNeighbours(
  relations: ReadonlyArray<{ type: string; targetRef: string }>,
  options: LayoutOptions = {},
): NeighbourLayout {
  const byTarget = new Map<string, string[]>();
  for (const { type, targetRef } of relations) {
    const types = byTarget.get(targetRef) ?? [];
    if (!types.includes(type)) types.push(type);
    byTarget.set(targetRef, types);
  }
  // When neighbours must be left out, keep the few that say what the entity is (owner, system, parent,
  // dependencies) and drop from the many (what it owns, its members, its parts).
  const manySide = (ref: string) => byTarget.get(ref)!.every(type => MANY_SIDE_RELATIONS.has(type));
  const all = [...byTarget.keys()].sort((a, b) => Number(manySide(a)) - Number(manySide(b)) || a.localeCompare(b));
  const targets = all.slice(0, options.maxNeighbours ?? all.length);
  // A ring grows with the number of neighbours so that labels keep apart.
  const radius = options.radius ?? Math.max(110, targets.length * 12);
  const margin = options.margin ?? 90;
  const width = 2 * (radius + margin);
  const height = 2 * (radius + 40);
  const centre = { x: width / 2, y: height / 2 };
  const nodes = targets.map((ref, i) => {
    // Start at the top and go clockwise; a single neighbour sits to the right.
    const angle = targets.length === 1 ? 0 : -Math.PI / 2 + (2 * Math.PI * i) / targets.length;
    return {
      ref,
      x: Math.round(centre.x + radius * Math.cos(angle)),
      y: Math.round(centre.y + radius * Math.sin(angle)),
      relations: byTarget.get(ref)!,
    };
  });
  return { width, height, centre, nodes, hidden: all.length - targets.length };
}
