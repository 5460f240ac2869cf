import { markdownToAdf, markdownToWiki } from './markdown';

const text = '# Failing rules\n\nThe service **payments** fails *two* rules, see [the scorecard](https://portal.acme.test/s).\n\n- Has an owner\n- Uses `node 20`\n\n1. first\n2. second\n\n```yaml\nowner: team-a\n```';

describe('markdown for Jira', () => {
  it('writes Atlassian Document Format for Cloud', () => {
    const doc = markdownToAdf(text);
    expect(doc.type).toBe('doc');
    expect(doc.version).toBe(1);
    expect(doc.content.map(n => n.type)).toEqual(['heading', 'paragraph', 'bulletList', 'orderedList', 'codeBlock']);
    expect(doc.content[0]).toEqual({ type: 'heading', attrs: { level: 1 }, content: [{ type: 'text', text: 'Failing rules' }] });
    expect(doc.content[1].content).toEqual([
      { type: 'text', text: 'The service ' },
      { type: 'text', text: 'payments', marks: [{ type: 'strong' }] },
      { type: 'text', text: ' fails ' },
      { type: 'text', text: 'two', marks: [{ type: 'em' }] },
      { type: 'text', text: ' rules, see ' },
      { type: 'text', text: 'the scorecard', marks: [{ type: 'link', attrs: { href: 'https://portal.acme.test/s' } }] },
      { type: 'text', text: '.' },
    ]);
    expect(doc.content[2].content?.[1]).toEqual({ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Uses ' }, { type: 'text', text: 'node 20', marks: [{ type: 'code' }] }] }] });
    expect(doc.content[4]).toEqual({ type: 'codeBlock', attrs: { language: 'yaml' }, content: [{ type: 'text', text: 'owner: team-a' }] });
  });

  it('writes wiki markup for Data Center, escaping what wiki would read as formatting', () => {
    expect(markdownToWiki(text)).toBe(
      'h1. Failing rules\n\nThe service *payments* fails _two_ rules, see [the scorecard|https://portal.acme.test/s].\n\n* Has an owner\n* Uses {{node 20}}\n\n# first\n# second\n\n{code:yaml}\nowner: team-a\n{code}',
    );
    expect(markdownToWiki('a [b] {c} x-y')).toBe('a \\[b\\] \\{c\\} x\\-y');
  });

  it('keeps javascript: links as text in ADF', () => {
    expect(markdownToAdf('[x](javascript:alert(1))').content[0].content?.[0].marks).toBeUndefined();
  });
});
