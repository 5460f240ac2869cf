import { Grid } from '@mui/material';
import { useEntity, useEntityCards } from '@portico/plugin-catalog-react';
import { Suspense } from 'react';
import { EmptyState, Progress } from '@portico/core-components';

const columnsBySize = { small: 4, medium: 6, large: 12 } as const;

/** The Overview tab: every installed plugin's cards that apply to this entity, in app order. */
export function OverviewTab() {
  const { entity } = useEntity();
  const cards = useEntityCards(entity);
  if (cards.length === 0) return <EmptyState title="No cards for this entity" />;
  return (
    <Grid container spacing={3}>
      {cards.map(card => (
        <Grid key={card.id} size={{ xs: 12, md: columnsBySize[card.data.size] }}>
          <Suspense fallback={<Progress label={`Loading ${card.data.title ?? 'card'}`} />}>
            <card.data.Component />
          </Suspense>
        </Grid>
      ))}
    </Grid>
  );
}

export default OverviewTab;
