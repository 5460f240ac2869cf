/**
 * Lays out an entity and its direct neighbours for the relations view, grouped by relation type: each group a
 * titled list of neighbours (one row per neighbour, its label on the outer side), so that no two labels share
 * a row or a column. Drawn at the width it is given, text at its real size: from `TWO_SIDED_WIDTH` on, the
 * entity sits in the middle with groups to its left and right; narrower, it sits on the left with every group
 * in one column beside it. A large group shows its first few neighbours and a row that expands it.
 */
export interface RelationGroupMember {
  ref: string;
  /** The label as drawn: the humanized ref, cut to the column's width with "…". */
  label: string;
  /** The whole label, for the link's accessible name and tooltip. */
  fullLabel: string;
  x: number;
  y: number;
}

export interface RelationGroup {
  /** The relation type from the centre entity, e.g. `ownerOf`. */
  type: string;
  side: 'left' | 'right';
  /** Where the group's title (relation and count) is drawn; `anchor` as SVG `text-anchor`. */
  header: { x: number; y: number; anchor: 'start' | 'end' };
  /** Where member labels start (`anchor` applies to them too). */
  labelX: number;
  anchor: 'start' | 'end';
  members: RelationGroupMember[];
  /** How many neighbours the group has, drawn or not. */
  total: number;
  /** A large group's row that expands it (`expanded: false`, `hidden` neighbours not drawn) or collapses it again. */
  toggle?: { x: number; y: number; expanded: boolean; hidden: number };
}

export interface RelationsLayout {
  width: number;
  height: number;
  /** The centre entity's box. */
  centre: { x: number; y: number; width: number; height: number };
  groups: RelationGroup[];
}

export interface RelationsLayoutOptions {
  /** Relation types whose group is expanded. */
  expanded?: ReadonlySet<string>;
  /** A group with more neighbours than this is collapsed until expanded. */
  collapseAbove?: number;
  /** How many neighbours a collapsed group still shows. */
  collapsedShows?: number;
  /** The label of a neighbour; default its ref. */
  label?: (ref: string) => string;
  /** The drawing's width (its units are pixels); default 800. */
  width?: number;
}

/** From this width on, groups go on both sides of the entity. */
export const TWO_SIDED_WIDTH = 640;

/** Geometry, in SVG user units (pixels); labels are drawn at 12 px. */
export const RELATIONS_GEOMETRY = {
  minWidth: 320,
  padding: 16,
  headerHeight: 22,
  rowHeight: 24,
  groupGap: 14,
  /** Horizontal run of the edges, from the entity's box to a column's circles. */
  edgeRun: 100,
  /** The entity's box, at most. */
  centreWidth: 180,
  centreHeight: 44,
  nodeRadius: 7,
  /** Gap between a circle and its label. */
  labelGap: 12,
  /** A generous average width of a character of a 12 px sans-serif label. */
  charWidth: 7,
} as const;

// Which side a relation type belongs on: what the entity belongs to or uses on the left, what belongs to it or
// uses it on the right; in this order within a side. Types nobody declared here (a plugin's) go left, by name.
const LEFT_TYPES = ['ownedBy', 'partOf', 'childOf', 'memberOf', 'dependsOn', 'consumesApi', 'providesApi'];
const RIGHT_TYPES = ['ownerOf', 'hasPart', 'parentOf', 'hasMember', 'dependencyOf', 'apiProvidedBy', 'apiConsumedBy'];

function typeOrder(type: string): number {
  const left = LEFT_TYPES.indexOf(type);
  if (left >= 0) return left;
  const right = RIGHT_TYPES.indexOf(type);
  return right >= 0 ? LEFT_TYPES.length + right : LEFT_TYPES.length + RIGHT_TYPES.length;
}

/** Cuts a label to `max` characters, ending in "…" when cut. */
export function fitLabel(label: string, max: number): string {
  return label.length <= max ? label : `${label.slice(0, Math.max(1, max - 1))}…`;
}

export function layoutRelationGroups(
  relations: ReadonlyArray<{ type: string; targetRef: string }>,
  options: RelationsLayoutOptions = {},
): RelationsLayout {
  const g = RELATIONS_GEOMETRY;
  const collapseAbove = options.collapseAbove ?? 6;
  const collapsedShows = Math.min(options.collapsedShows ?? 3, collapseAbove);
  const labelOf = options.label ?? ((ref: string) => ref);

  const byType = new Map<string, string[]>();
  for (const { type, targetRef } of relations) {
    const refs = byType.get(type) ?? [];
    if (!refs.includes(targetRef)) refs.push(targetRef);
    byType.set(type, refs);
  }
  const types = [...byType.keys()].sort((a, b) => typeOrder(a) - typeOrder(b) || a.localeCompare(b));

  // Rows of each group, then each group to a side: its own, unless the other keeps the drawing shorter.
  const planned = types.map(type => {
    const refs = [...byType.get(type)!].sort((a, b) => labelOf(a).localeCompare(labelOf(b)));
    const large = refs.length > collapseAbove;
    const expanded = large && Boolean(options.expanded?.has(type));
    const shown = large && !expanded ? refs.slice(0, collapsedShows) : refs;
    const rows = shown.length + (large ? 1 : 0);
    return { type, refs, shown, large, expanded, height: g.headerHeight + rows * g.rowHeight + g.groupGap };
  });
  const width = Math.max(g.minWidth, Math.round(options.width ?? 800));
  const twoSided = width >= TWO_SIDED_WIDTH;
  const sides = planned.map((group): 'left' | 'right' => (twoSided && !RIGHT_TYPES.includes(group.type) ? 'left' : 'right'));
  const heights = { left: 0, right: 0 };
  planned.forEach((group, i) => (heights[sides[i]] += group.height));
  // Then the last groups of the taller side cross over while that makes the drawing shorter.
  while (twoSided) {
    const tall = heights.left >= heights.right ? 'left' : 'right';
    const short = tall === 'left' ? 'right' : 'left';
    const last = sides.lastIndexOf(tall);
    if (last < 0 || sides.filter(side => side === tall).length < 2) break;
    const h = planned[last].height;
    if (Math.max(heights[tall] - h, heights[short] + h) >= heights[tall]) break;
    sides[last] = short;
    heights[tall] -= h;
    heights[short] += h;
  }

  const content = Math.max(heights.left, heights.right, g.centreHeight + 2 * g.rowHeight);
  const height = Math.round(content + 2 * g.padding);
  const centreWidth = Math.min(g.centreWidth, Math.round(width * 0.3));
  const centreX = twoSided ? width / 2 : 8 + centreWidth / 2;
  const centre = { x: centreX, y: Math.round(height / 2), width: centreWidth, height: g.centreHeight };
  // one column beside the entity needs shorter edges to leave its labels room
  const columnOffset = centreWidth / 2 + (twoSided ? g.edgeRun : g.edgeRun / 2);
  // Room for a label: from the circle, less the gap, to the drawing's edge.
  const labelRoom = width - 8 - (centreX + columnOffset + g.labelGap);
  const maxChars = Math.max(4, Math.floor(labelRoom / g.charWidth));

  const cursor = {
    left: g.padding + (content - heights.left) / 2,
    right: g.padding + (content - heights.right) / 2,
  };
  const groups = planned.map((group, i): RelationGroup => {
    const side = sides[i];
    const x = side === 'left' ? centre.x - columnOffset : centre.x + columnOffset;
    const anchor = side === 'left' ? 'end' : 'start';
    const labelX = side === 'left' ? x - g.labelGap : x + g.labelGap;
    let y = cursor[side];
    const header = { x: labelX, y: Math.round(y + g.headerHeight - 6), anchor } as const;
    y += g.headerHeight;
    const members = group.shown.map(ref => {
      const fullLabel = labelOf(ref);
      const member = { ref, fullLabel, label: fitLabel(fullLabel, maxChars), x, y: Math.round(y + g.rowHeight / 2) };
      y += g.rowHeight;
      return member;
    });
    const toggle = group.large
      ? { x, y: Math.round(y + g.rowHeight / 2), expanded: group.expanded, hidden: group.refs.length - group.shown.length }
      : undefined;
    cursor[side] += group.height;
    return { type: group.type, side, header, labelX, anchor, members, total: group.refs.length, toggle };
  });
  return { width, height, centre, groups };
}
