import {
  Box,
  Button,
  Card,
  CardContent,
  CardHeader,
  Chip,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import { stringifyEntityRef } from '@portico/catalog-model';
import { alertApiRef, useApi } from '@portico/frontend-plugin-api';
import { useEntity } from '@portico/plugin-catalog-react';
import type { EntityScorecardsResponse, Exemption, JsonValue, RuleResult, ScorecardRule } from '@portico/plugin-scorecards-common';
import { useState } from 'react';
import { scorecardsApiRef } from '../../api/ScorecardsApi';
import { useAsync } from '@portico/core-components';
import { LevelChip } from '../shared/LevelChip';
import { RemediationText } from '../shared/RemediationText';
import { percent } from '../shared/levels';
import { EmptyState, ErrorPanel, Progress } from '@portico/core-components';
import { VisuallyHidden } from '../shared/VisuallyHidden';
import { ExemptionDialog } from './ExemptionDialog';

type EntityScorecard = EntityScorecardsResponse['scorecards'][number];

const STATUS: Record<RuleResult['status'], { label: string; color: 'success' | 'error' | 'default' }> = {
  pass: { label: 'Pass', color: 'success' },
  fail: { label: 'Fail', color: 'error' },
  unknown: { label: 'Unknown', color: 'default' },
};

function formatEvidence(evidence: Record<string, JsonValue>): string {
  const entries = Object.entries(evidence);
  if (entries.length === 0) return '—';
  return entries.map(([key, value]) => `${key} = ${JSON.stringify(value)}`).join(', ');
}

function RuleRow(props: {
  rule: ScorecardRule | undefined;
  result: RuleResult;
  pending: Exemption | undefined;
  onRequestExemption(): void;
}) {
  const { rule, result, pending } = props;
  const title = rule?.title ?? result.ruleId;
  const status = STATUS[result.status];
  return (
    <TableRow>
      <TableCell component="th" scope="row">
        <Typography variant="body2" sx={{ fontWeight: 500 }}>
          {title}
        </Typography>
        {rule?.description ? (
          <Typography variant="caption" color="text.secondary">
            {rule.description}
          </Typography>
        ) : null}
      </TableCell>
      <TableCell>{rule?.level ?? '—'}</TableCell>
      <TableCell>
        {result.exempted ? (
          <Chip size="small" color="info" label="Exempted" />
        ) : (
          <Chip size="small" color={status.color} label={status.label} />
        )}
      </TableCell>
      <TableCell>
        <Typography variant="body2">{result.message}</Typography>
        <Typography variant="caption" color="text.secondary" component="p">
          {formatEvidence(result.evidence)}
        </Typography>
      </TableCell>
      <TableCell>{result.status !== 'pass' && rule?.remediation ? <RemediationText text={rule.remediation} /> : null}</TableCell>
      <TableCell>
        {result.status === 'pass' || result.exempted ? null : pending ? (
          <Typography variant="body2">Exemption pending</Typography>
        ) : (
          <Button size="small" sx={{ whiteSpace: 'nowrap' }} onClick={props.onRequestExemption} aria-label={`Request an exemption for ${title}`}>
            Request exemption
          </Button>
        )}
      </TableCell>
    </TableRow>
  );
}

function ScorecardResultCard(props: {
  scorecard: EntityScorecard;
  exemptions: Exemption[];
  onRequestExemption(scorecard: EntityScorecard, rule: { id: string; title: string }): void;
}) {
  const { scorecard } = props;
  const title = scorecard.title ?? scorecard.scorecardRef;
  const rules = new Map(scorecard.ruleDetails.map(r => [r.id, r]));
  return (
    <Card component="section" aria-label={title} variant="outlined">
      <CardHeader
        title={title}
        slotProps={{ title: { component: 'h2', variant: 'h6' } }}
        action={
          <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', p: 1 }}>
            <LevelChip levels={scorecard.levels} level={scorecard.level} />
            <Typography variant="body2">Score {percent(scorecard.score)}</Typography>
          </Box>
        }
      />
      <CardContent>
        <TableContainer>
          <Table size="small" aria-label={`Rules of ${title}`}>
            <TableHead>
              <TableRow>
                <TableCell>Rule</TableCell>
                <TableCell>Level</TableCell>
                <TableCell>Status</TableCell>
                <TableCell>Evidence</TableCell>
                <TableCell>Remediation</TableCell>
                <TableCell>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {scorecard.rules.map(result => (
                <RuleRow
                  key={result.ruleId}
                  rule={rules.get(result.ruleId)}
                  result={result}
                  pending={props.exemptions.find(
                    e => e.scorecardRef === scorecard.scorecardRef && e.ruleId === result.ruleId && e.status === 'pending',
                  )}
                  onRequestExemption={() =>
                    props.onRequestExemption(scorecard, { id: result.ruleId, title: rules.get(result.ruleId)?.title ?? result.ruleId })
                  }
                />
              ))}
            </TableBody>
          </Table>
        </TableContainer>
      </CardContent>
    </Card>
  );
}

/** The entity page's Scorecards tab: the entity's level on each scorecard and every rule behind it. */
export function EntityScorecardsTab() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const api = useApi(scorecardsApiRef);
  const alertApi = useApi(alertApiRef);
  const results = useAsync(() => api.getEntityScorecards(entityRef), [api, entityRef]);
  const exemptions = useAsync(() => api.getExemptions({ entityRef }), [api, entityRef]);
  const [requesting, setRequesting] = useState<{ scorecard: EntityScorecard; rule: { id: string; title: string } }>();
  const [evaluating, setEvaluating] = useState(false);

  const evaluateNow = async () => {
    setEvaluating(true);
    try {
      const { errors } = await api.evaluate({ entityRef });
      if (errors.length > 0) {
        alertApi.post({ message: errors.map(e => `${e.scorecardRef}: ${e.message}`).join('; '), severity: 'warning' });
      } else {
        alertApi.post({ message: 'Evaluated now', severity: 'success', display: 'transient' });
      }
      results.retry();
    } catch (e) {
      alertApi.post({ message: `Could not evaluate: ${e instanceof Error ? e.message : String(e)}`, severity: 'error' });
    } finally {
      setEvaluating(false);
    }
  };

  if (results.loading) return <Progress label="Loading scorecards" />;
  if (results.error) return <ErrorPanel title="Could not load scorecards" error={results.error} onRetry={results.retry} />;
  if (results.value.scorecards.length === 0) {
    return <EmptyState title="No scorecard measures this entity yet" />;
  }
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
      <Box sx={{ display: 'flex', justifyContent: 'flex-end' }}>
        <Button variant="outlined" size="small" disabled={evaluating} onClick={() => void evaluateNow()}>
          {evaluating ? 'Evaluating…' : 'Evaluate now'}
        </Button>
      </Box>
      {results.value.scorecards.map(scorecard => (
        <ScorecardResultCard
          key={scorecard.scorecardRef}
          scorecard={scorecard}
          exemptions={exemptions.value ?? []}
          onRequestExemption={(sc, rule) => setRequesting({ scorecard: sc, rule })}
        />
      ))}
      <ExemptionDialog
        open={requesting !== undefined}
        ruleTitle={requesting?.rule.title ?? ''}
        onClose={() => setRequesting(undefined)}
        onSubmit={async ({ reason, expiresAt }) => {
          if (!requesting) return;
          await api.requestExemption({
            scorecardRef: requesting.scorecard.scorecardRef,
            entityRef,
            ruleId: requesting.rule.id,
            reason,
            expiresAt,
          });
          setRequesting(undefined);
          alertApi.post({ message: 'Exemption requested', severity: 'success', display: 'transient' });
          exemptions.retry();
        }}
      />
    </Box>
  );
}

export default EntityScorecardsTab;
