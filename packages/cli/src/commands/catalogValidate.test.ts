import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createProgram } from '../index';
import { formatCatalogValidationReport, validateCatalogFiles } from './catalogValidate';

const repoRoot = path.resolve(__dirname, '../../../..');
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'portico-validate-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

const component = (name: string, extra = '') => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
spec:
  type: service
  lifecycle: production
  owner: team-a${extra}
`;

describe('validateCatalogFiles', () => {
  it('accepts valid multi-document files', () => {
    write('catalog-info.yaml', `${component('a')}---\n${component('b')}---\n`);
    const report = validateCatalogFiles(['catalog-info.yaml'], { cwd: dir });
    expect(report.problems).toEqual([]);
    expect(report.validEntities).toBe(2);
    expect(formatCatalogValidationReport(report)).toEqual(['2 entities in 1 file valid (2 Component)']);
  });

  it('reports the line of the offending node with the field path', () => {
    write(
      'bad.yaml',
      `${component('ok')}---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: bad name
  tags:
    - fine
    - Not_Fine
spec:
  type: service
  lifecycle: production
  owner: "group:"
`,
    );
    const report = validateCatalogFiles(['bad.yaml'], { cwd: dir });
    expect(formatCatalogValidationReport(report)).toEqual([
      'bad.yaml:13: metadata.name: "bad name" is not a valid entity name: expected 1-63 characters [a-zA-Z0-9] separated by [-_.]',
      'bad.yaml:16: metadata.tags[1]: "Not_Fine" is not a valid tag: expected 1-63 lower-case characters [a-z0-9:+#] separated by [-]',
      'bad.yaml:20: spec.owner: Entity reference "group:" was not on the form [<kind>:][<namespace>/]<name>',
      '3 problems in 1 file; 1 of 2 entities valid',
    ]);
    expect(report.validEntities).toBe(1);
  });

  it('reports spec problems at the field, and missing fields at their parent', () => {
    write(
      'spec.yaml',
      `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: svc
spec:
  type: service
  owner: group:default/bad name
`,
    );
    const { problems } = validateCatalogFiles(['spec.yaml'], { cwd: dir });
    expect(problems).toEqual(
      expect.arrayContaining([
        { file: 'spec.yaml', line: 5, message: 'spec.lifecycle: is required' },
        { file: 'spec.yaml', line: 7, message: 'spec.owner: Entity reference "group:default/bad name" has an invalid name "bad name"' },
      ]),
    );
  });

  it('reports malformed YAML, non-object documents and unknown kinds', () => {
    write('broken.yaml', `${component('a')}---\nkey: [unclosed\n---\njust a string\n---\napiVersion: acme.com/v1\nkind: Widget\nmetadata:\n  name: w\n`);
    const { problems, validEntities } = validateCatalogFiles(['broken.yaml'], { cwd: dir });
    expect(validEntities).toBe(1);
    expect(problems[0]).toMatchObject({ file: 'broken.yaml', line: expect.any(Number), message: expect.stringMatching(/^invalid YAML: /) });
    expect(problems).toEqual(
      expect.arrayContaining([
        { file: 'broken.yaml', line: 12, message: 'entity must be an object, got string "just a string"' },
        { file: 'broken.yaml', line: 15, message: expect.stringMatching(/^kind: unknown kind "Widget"/) },
      ]),
    );
  });

  it('reports duplicate refs and unreadable files', () => {
    write('a.yaml', component('same'));
    write('b.yaml', component('Same'));
    const { problems } = validateCatalogFiles(['a.yaml', 'b.yaml', 'missing.yaml'], { cwd: dir });
    expect(problems).toEqual([
      { file: 'b.yaml', line: 4, message: 'duplicate entity component:default/same, first defined at a.yaml:1' },
      { file: 'missing.yaml', line: 1, message: 'cannot read file: ENOENT' },
    ]);
  });

  it('resolves $text relative to the file and reports unreadable placeholders', () => {
    write('apis/pets.yaml', 'openapi: 3.0.0\n');
    const api = (def: string) => `apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: pets
spec:
  type: openapi
  lifecycle: production
  owner: team-a
  definition:
    $text: ${def}
`;
    write('api.yaml', api('./apis/pets.yaml'));
    write('nested/missing.yaml', api('./nope.yaml'));
    expect(validateCatalogFiles(['api.yaml'], { cwd: dir }).problems).toEqual([]);
    expect(validateCatalogFiles(['nested/missing.yaml'], { cwd: dir }).problems).toEqual([
      { file: path.join('nested', 'missing.yaml'), line: 9, message: 'spec.definition: $text: cannot read ./nope.yaml: ENOENT' },
    ]);
  });

  it('follows Location targets relative to the location file, once each', () => {
    write('sub/one.yaml', component('one'));
    write(
      'sub/loc.yaml',
      `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: sub\nspec:\n  targets: [./one.yaml, ../root.yaml, https://example.com/x.yaml]\n`,
    );
    write('root.yaml', `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  type: file\n  target: ./sub/loc.yaml\n`);
    const report = validateCatalogFiles(['root.yaml'], { cwd: dir });
    expect(report.problems).toEqual([]);
    expect(report.files).toEqual(['root.yaml', path.join('sub', 'loc.yaml'), path.join('sub', 'one.yaml')]);
    expect(report.skippedTargets).toEqual(['file:https://example.com/x.yaml']);
    expect(validateCatalogFiles(['root.yaml'], { cwd: dir, followLocations: false }).files).toEqual(['root.yaml']);
  });
});

describe('portico catalog validate', () => {
  let out: string;
  let spy: jest.SpyInstance;
  beforeEach(() => {
    out = '';
    spy = jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
      out += String(chunk);
      return true;
    });
    process.exitCode = undefined;
  });
  afterEach(() => {
    spy.mockRestore();
    process.exitCode = undefined;
  });

  it('exits 0 with a summary when everything is valid', async () => {
    const file = write('ok.yaml', component('a'));
    await createProgram().parseAsync(['node', 'portico', 'catalog', 'validate', file]);
    expect(out).toBe('1 entity in 1 file valid (1 Component)\n');
    expect(process.exitCode).toBeUndefined();
  });

  it('prints file:line: message and exits 1 on errors', async () => {
    const file = write('bad.yaml', component('a', '\n  system: "sys tem"'));
    await createProgram().parseAsync(['node', 'portico', 'catalog', 'validate', file]);
    expect(out).toContain(`${file}:9: spec.system: Entity reference "sys tem" has an invalid name "sys tem"\n`);
    expect(process.exitCode).toBe(1);
  });

  it('validates the example organisation: every kind, at least 40 entities, no problems', () => {
    const report = validateCatalogFiles([path.join(repoRoot, 'examples/catalog/all.yaml')], { cwd: repoRoot });
    expect(report.problems).toEqual([]);
    expect(report.validEntities).toBeGreaterThanOrEqual(40);
    expect(Object.keys(report.entitiesByKind).sort()).toEqual(['API', 'Component', 'Domain', 'Group', 'Location', 'Resource', 'System', 'Template', 'User']);
    expect(report.entitiesByKind['Component']).toBeGreaterThanOrEqual(12);
    expect(report.entitiesByKind['User']).toBeGreaterThanOrEqual(12);
    expect(report.files).toEqual(expect.arrayContaining([path.join('examples', 'catalog', 'templates', 'docs-site.yaml')]));
  });
});
