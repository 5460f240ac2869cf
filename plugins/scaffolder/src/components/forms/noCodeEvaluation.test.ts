import fs from 'node:fs';
import path from 'node:path';
import type { RJSFSchema } from '@rjsf/utils';
import { JsonSchemaValidator } from './validator';

// The portal's Content-Security-Policy has no 'unsafe-eval': a validator that compiles schemas to code (ajv) leaves
// the wizard's "Next" and the inbox's "Submit" doing nothing in a browser.

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(file);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [file] : [];
  });
}

describe('the scaffolder forms under a CSP without unsafe-eval', () => {
  it('import no ajv, which compiles schemas with new Function', () => {
    const src = path.join(__dirname, '../..');
    const offenders = sourceFiles(src).filter(file => /from\s+['"](ajv|ajv-formats|@rjsf\/validator-ajv8)(\/[^'"]*)?['"]/.test(fs.readFileSync(file, 'utf8')));
    expect(offenders.map(file => path.relative(src, file))).toEqual([]);
  });

  it('validate with eval and the Function constructor refusing to run', () => {
    const original = { Function: globalThis.Function, eval: globalThis.eval };
    const refuse = () => {
      throw new EvalError("Refused to evaluate a string as JavaScript because 'unsafe-eval' is not allowed");
    };
    Object.assign(globalThis, { Function: refuse, eval: refuse });
    try {
      const validator = new JsonSchemaValidator();
      const schema: RJSFSchema = { type: 'object', required: ['name'], properties: { name: { type: 'string', pattern: '^[a-z]+$' }, at: { type: 'string', format: 'date' } } };
      expect(validator.validateFormData({ at: '2024-13-01' }, schema).errors.map(error => error.message)).toEqual([
        "must have required property 'name'",
        'must match format "date"',
      ]);
      expect(validator.isValid(schema, { name: 'checkout' }, schema)).toBe(true);
    } finally {
      Object.assign(globalThis, original);
    }
  });
});
