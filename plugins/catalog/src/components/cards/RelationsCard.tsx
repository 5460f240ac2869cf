import { Box, useTheme } from '@mui/material';
import { stringifyEntityRef } from '@portico/catalog-model';
import { entityRoute, humanizeEntityRef, useEntity } from '@portico/plugin-catalog-react';
import { useState, type KeyboardEvent } from 'react';
import { useNavigate } from 'react-router';
import { fitLabel, layoutRelationGroups, RELATIONS_GEOMETRY as G, type RelationGroup } from '../../graph/layoutRelationGroups';
import { useElementWidth } from '../../hooks/useElementWidth';
import { InfoCard } from '../shared/InfoCard';
import { EmptyState } from '@portico/core-components';

/** Reads a relation type as words: `ownedBy` → `owned by`. */
function relationWords(type: string): string {
  return type.replace(/([a-z])([A-Z])/g, '$1 $2').toLocaleLowerCase('en-US');
}

function onActivate(action: () => void) {
  return (event: KeyboardEvent) => {
    if (event.key !== 'Enter' && event.key !== ' ') return;
    event.preventDefault();
    action();
  };
}

/**
 * The entity and its direct neighbours as a graph, grouped by relation type (the entity in the middle, each
 * relation a titled column of neighbours beside it); every neighbour is a link to its page, and a large group
 * shows its first few until "more" expands it.
 */
export function RelationsCard() {
  const { entity } = useEntity();
  const theme = useTheme();
  const navigate = useNavigate();
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  // drawn at the card's width, so that text keeps its size instead of shrinking with a scaled drawing
  const { ref: frame, width } = useElementWidth<HTMLDivElement>(520);
  const relations = entity.relations ?? [];
  const self = humanizeEntityRef(stringifyEntityRef(entity));
  if (relations.length === 0) {
    return (
      <InfoCard title="Relations">
        <EmptyState title="No relations">This entity has no relations to other entities.</EmptyState>
      </InfoCard>
    );
  }
  const layout = layoutRelationGroups(relations, { expanded, width, label: ref => humanizeEntityRef(ref) });
  const { centre } = layout;
  const toggle = (type: string) =>
    setExpanded(previous => {
      const next = new Set(previous);
      if (next.has(type)) next.delete(type);
      else next.add(type);
      return next;
    });
  const text = theme.palette.text.primary;
  const secondary = theme.palette.text.secondary;
  const accent = theme.palette.primary.main;
  const title = entity.metadata.title ?? entity.metadata.name;
  const edgeX = (group: RelationGroup) => (group.side === 'left' ? centre.x - centre.width / 2 : centre.x + centre.width / 2);
  const towardsCentre = (group: RelationGroup) => (group.side === 'left' ? G.nodeRadius : -G.nodeRadius);

  return (
    <InfoCard title="Relations">
      <Box ref={frame} sx={{ overflowX: 'auto' }}>
        <svg
          role="group"
          aria-label={`Relations of ${self}`}
          viewBox={`0 0 ${layout.width} ${layout.height}`}
          width={layout.width}
          height={layout.height}
          style={{ display: 'block', font: '12px sans-serif' }}
        >
          {layout.groups.flatMap(group =>
            [...group.members, ...(group.toggle ? [group.toggle] : [])].map(node => (
              <line
                key={`edge-${group.type}-${node.y}`}
                x1={edgeX(group)}
                y1={centre.y}
                x2={node.x + towardsCentre(group)}
                y2={node.y}
                stroke={theme.palette.divider}
                strokeWidth={1.25}
              />
            )),
          )}
          <g>
            <rect
              x={centre.x - centre.width / 2}
              y={centre.y - centre.height / 2}
              width={centre.width}
              height={centre.height}
              rx={8}
              fill={accent}
            />
            <text x={centre.x} y={centre.y + 5} textAnchor="middle" fill={theme.palette.primary.contrastText} fontWeight="bold" fontSize={13}>
              <title>{title}</title>
              {fitLabel(title, Math.floor((centre.width - 16) / 8))}
            </text>
          </g>
          {layout.groups.map(group => {
            const words = relationWords(group.type);
            return (
              <g key={group.type} role="group" aria-label={`${words} (${group.total})`}>
                <text x={group.header.x} y={group.header.y} textAnchor={group.header.anchor} fill={secondary} fontSize={11} fontWeight="bold">
                  {`${words.toLocaleUpperCase('en-US')} · ${group.total}`}
                </text>
                {group.members.map(member => {
                  const href = entityRoute(member.ref) ?? '#';
                  return (
                    <a
                      key={member.ref}
                      href={href}
                      aria-label={`${words} ${member.fullLabel}`}
                      onClick={event => {
                        if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
                        event.preventDefault();
                        navigate(href);
                      }}
                    >
                      <title>{member.fullLabel}</title>
                      <circle cx={member.x} cy={member.y} r={G.nodeRadius} fill={theme.palette.background.paper} stroke={accent} strokeWidth={2} />
                      <text x={group.labelX} y={member.y + 4} textAnchor={group.anchor} fill={text} style={{ textDecoration: 'underline' }}>
                        {member.label}
                      </text>
                    </a>
                  );
                })}
                {group.toggle ? (
                  <g
                    role="button"
                    tabIndex={0}
                    aria-expanded={group.toggle.expanded}
                    aria-label={group.toggle.expanded ? `${words}: show fewer` : `${words}: show ${group.toggle.hidden} more`}
                    style={{ cursor: 'pointer' }}
                    onClick={() => toggle(group.type)}
                    onKeyDown={onActivate(() => toggle(group.type))}
                  >
                    <circle cx={group.toggle.x} cy={group.toggle.y} r={G.nodeRadius} fill={theme.palette.background.paper} stroke={secondary} strokeDasharray="3 2" />
                    <text x={group.labelX} y={group.toggle.y + 4} textAnchor={group.anchor} fill={accent} fontWeight="bold">
                      {group.toggle.expanded ? 'Show fewer' : `+ ${group.toggle.hidden} more`}
                    </text>
                  </g>
                ) : null}
              </g>
            );
          })}
        </svg>
      </Box>
    </InfoCard>
  );
}

export default RelationsCard;
