import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { eventually } from '@portico/test-utils';
import {
  platform,
  readinessSpec,
  scorecard,
  startScorecardsBackend,
  teamA,
  type ScorecardsTestBackend,
} from '../plugins/scorecards-backend/src/__testUtils__/testScorecardsBackend';

/** The messages docs/scorecards.md lists under "Bad scorecards", `...` standing for any text. */
function documentedMessages(): RegExp[] {
  const doc = fs.readFileSync(path.resolve(__dirname, '../docs/scorecards.md'), 'utf8');
  const section = doc.slice(doc.indexOf('**Bad scorecards.**'));
  const list = section.slice(0, section.indexOf('\n\n', section.indexOf('\n- ')));
  return [...list.matchAll(/^- `(.+)`$/gm)].map(
    ([, text]) => new RegExp(`^${text.split('...').map(part => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`),
  );
}

// One scorecard with each mistake the docs show, at the rule index they show.
const broken = {
  ...readinessSpec,
  filter: { kind: [] },
  rules: [
    { id: 'typo', type: 'binry', params: { fact: 'catalog.hasOwner' } },
    { id: 'cel', type: 'expression', params: { expression: 'facts.x >' } },
    { id: 'coverage', type: 'target', params: { fact: 'coverage.percent', min: 'eighty' } },
    { id: 'r', type: 'binary', params: { fact: 'catalog.hasOwner' }, level: 'Platinum' },
  ],
};

describe('the errors of a bad scorecard in docs/scorecards.md', () => {
  let backend: ScorecardsTestBackend;
  beforeAll(async () => {
    backend = await startScorecardsBackend({ entities: [teamA, platform, scorecard(broken, 'x')] });
  });
  afterAll(async () => {
    await backend?.stop();
  });

  it('are the messages the catalog records against the entity', async () => {
    const expected = documentedMessages();
    expect(expected.length).toBeGreaterThanOrEqual(5);
    const messages = await eventually(async () => {
      const res = await request(backend.server).get('/api/catalog/entities/errors?entityRef=scorecard:default/x').expect(200);
      expect(res.body.items.length).toBeGreaterThan(0);
      return res.body.items.map((item: { message: string }) => item.message) as string[];
    });
    for (const pattern of expected) expect(messages.filter(message => pattern.test(message))).toHaveLength(1);
    expect(messages).toHaveLength(expected.length);
  });
});
