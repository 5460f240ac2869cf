import { parseRoleConditions } from './parseRoleConditions';

describe('parseRoleConditions', () => {
  it('reads nothing as no conditions, and nested criteria as they are', () => {
    expect(parseRoleConditions('  ')).toEqual({ ok: true });
    const criteria = { allOf: [{ rule: 'IS_ENTITY_OWNER' }, { not: { anyOf: [{ rule: 'HAS_LABEL', params: { label: 'x' } }] } }] };
    expect(parseRoleConditions(JSON.stringify(criteria))).toEqual({ ok: true, conditions: criteria });
  });

  it.each([
    ['{"rule": ', /^Not valid JSON: /],
    ['[]', /^conditions must be an object/],
    ['{"allOf": []}', /^conditions\.allOf must be a non-empty array$/],
    ['{"anyOf": [{"rule": "A"}], "rule": "B"}', /^conditions must have "anyOf" and nothing else$/],
    ['{"not": {"params": {}}}', /^conditions\.not must name a "rule"/],
    ['{"allOf": [{"rule": ""}]}', /^conditions\.allOf\[0\]\.rule must be a rule name/],
    ['{"rule": "A", "params": [1]}', /^conditions\.params must be an object$/],
    ['{"rule": "A", "resourceType": "x"}', /^conditions has unknown key "resourceType"/],
  ])('refuses %s, saying where', (text, message) => {
    const parsed = parseRoleConditions(text);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.error).toMatch(message);
  });
});
