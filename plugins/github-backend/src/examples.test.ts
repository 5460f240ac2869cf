import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { validateEntity } from '@portico/catalog-model';
import { githubFacts } from './facts/GithubFactCollector';

const root = path.resolve(__dirname, '../../..');
const read = (file: string) => parse(fs.readFileSync(path.join(root, file), 'utf8'));

describe('GitHub examples', () => {
  it('the GitHub template is a valid Template that publishes with publish:github', () => {
    const template = read('examples/templates/node-service-github/template.yaml');
    expect(validateEntity(template)).toMatchObject({ ok: true });
    expect(template.spec.steps.map((s: { action: string }) => s.action)).toEqual(['fetch:template', 'publish:github', 'catalog:register']);
    expect(fs.existsSync(path.join(root, 'examples/templates/node-service/skeleton/catalog-info.yaml'))).toBe(true);
  });

  it('the repository health scorecard reads only facts the collector declares', () => {
    const scorecard = read('examples/scorecards/github-repository-health.yaml');
    const facts = scorecard.spec.rules.flatMap((r: { params: { fact?: string; expression?: string } }) =>
      r.params.fact ? [r.params.fact] : [...(r.params.expression ?? '').matchAll(/facts\["([^"]+)"\]/g)].map(m => m[1]),
    );
    expect(facts.length).toBe(scorecard.spec.rules.length);
    for (const fact of facts) expect(Object.keys(githubFacts)).toContain(fact);
  });
});
