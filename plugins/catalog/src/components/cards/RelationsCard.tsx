import { Box, Typography, useTheme } from '@mui/material';
import { stringifyEntityRef } from '@portico/catalog-model';
import { entityRoute, humanizeEntityRef, useEntity } from '@portico/plugin-catalog-react';
import { useNavigate } from 'react-router';
import { layoutNeighbours } from '../../graph/layoutNeighbours';
import { InfoCard } from '../shared/InfoCard';
import { EmptyState } from '@portico/core-components';

/** Reads a relation type as words: `ownedBy` → `owned by`. */
function relationWords(type: string): string {
  return type.replace(/([a-z])([A-Z])/g, '$1 $2').toLocaleLowerCase('en-US');
}

/** Beyond this many neighbours a graph stops being readable; the rest are counted, not drawn. */
const MAX_NEIGHBOURS = 30;

/** Short enough to sit inside a node's circle. */
function kindAbbreviation(kind: string): string {
  return kind.length > 6 ? `${kind.slice(0, 4)}.` : kind;
}

function kindOf(ref: string): string {
  return ref.split(':')[0] ?? '';
}

/** The entity and its direct neighbours as a graph; every neighbour is a link to its page. */
export function RelationsCard() {
  const { entity } = useEntity();
  const theme = useTheme();
  const navigate = useNavigate();
  const relations = entity.relations ?? [];
  const self = humanizeEntityRef(stringifyEntityRef(entity));
  if (relations.length === 0) {
    return (
      <InfoCard title="Relations">
        <EmptyState title="No relations">This entity has no relations to other entities.</EmptyState>
      </InfoCard>
    );
  }
  const layout = layoutNeighbours(relations, { maxNeighbours: MAX_NEIGHBOURS });
  const { centre } = layout;
  const colour = theme.palette.text.primary;
  return (
    <InfoCard title="Relations">
      <Box sx={{ overflowX: 'auto' }}>
        <svg
          role="group"
          aria-label={`Relations of ${self}`}
          viewBox={`0 0 ${layout.width} ${layout.height}`}
          width="100%"
          style={{ maxWidth: layout.width, display: 'block', margin: '0 auto', font: '13px sans-serif' }}
        >
          {layout.nodes.map(node => (
            <g key={`edge-${node.ref}`}>
              <line x1={centre.x} y1={centre.y} x2={node.x} y2={node.y} stroke={theme.palette.divider} strokeWidth={1.5} />
              <text
                x={(centre.x + node.x) / 2}
                y={(centre.y + node.y) / 2 - 4}
                textAnchor="middle"
                fill={theme.palette.text.secondary}
                fontSize={10}
              >
                {node.relations.map(relationWords).join(', ')}
              </text>
            </g>
          ))}
          <g>
            <circle cx={centre.x} cy={centre.y} r={34} fill={theme.palette.primary.main} />
            <text x={centre.x} y={centre.y + 50} textAnchor="middle" fill={colour} fontWeight="bold">
              {entity.metadata.title ?? entity.metadata.name}
            </text>
          </g>
          {layout.nodes.map(node => {
            const href = entityRoute(node.ref) ?? '#';
            const label = humanizeEntityRef(node.ref);
            return (
              <a
                key={node.ref}
                href={href}
                aria-label={`${node.relations.map(relationWords).join(', ')} ${label}`}
                onClick={event => {
                  if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
                  event.preventDefault();
                  navigate(href);
                }}
              >
                <circle cx={node.x} cy={node.y} r={22} fill={theme.palette.background.paper} stroke={theme.palette.primary.main} strokeWidth={2} />
                <text x={node.x} y={node.y + 4} textAnchor="middle" fill={theme.palette.primary.main} fontSize={9}>
                  {kindAbbreviation(kindOf(label) !== label ? kindOf(label) : '')}
                </text>
                <text x={node.x} y={node.y + 36} textAnchor="middle" fill={colour} style={{ textDecoration: 'underline' }}>
                  {label.split(':').at(-1)}
                </text>
              </a>
            );
          })}
        </svg>
      </Box>
      {layout.hidden > 0 ? (
        <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
          Showing {layout.nodes.length} of {layout.nodes.length + layout.hidden} neighbours; the tabs and cards list
          them all.
        </Typography>
      ) : null}
    </InfoCard>
  );
}

export default RelationsCard;
