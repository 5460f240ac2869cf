import { extractUiSchema } from './extractUiSchema';

describe('extractUiSchema', () => {
  it('moves inline ui:* keys of properties, items and dependencies into a uiSchema', () => {
    const { schema, uiSchema } = extractUiSchema({
      type: 'object',
      'ui:order': ['owner', '*'],
      properties: {
        owner: { type: 'string', 'ui:field': 'OwnerPicker', 'ui:options': { allowedKinds: ['Group'] } },
        tags: { type: 'array', items: { type: 'string', 'ui:placeholder': 'tag' } },
        kind: { type: 'string', enum: ['a', 'b'] },
      },
      dependencies: {
        kind: { oneOf: [{ properties: { kind: { enum: ['a'] }, extra: { type: 'string', 'ui:widget': 'textarea' } } }] },
      },
    });
    expect(schema).toEqual({
      type: 'object',
      properties: {
        owner: { type: 'string' },
        tags: { type: 'array', items: { type: 'string' } },
        kind: { type: 'string', enum: ['a', 'b'] },
      },
      dependencies: { kind: { oneOf: [{ properties: { kind: { enum: ['a'] }, extra: { type: 'string' } } }] } },
    });
    expect(uiSchema).toEqual({
      'ui:order': ['owner', '*'],
      owner: { 'ui:field': 'OwnerPicker', 'ui:options': { allowedKinds: ['Group'] } },
      tags: { items: { 'ui:placeholder': 'tag' } },
      extra: { 'ui:widget': 'textarea' },
    });
  });
});
