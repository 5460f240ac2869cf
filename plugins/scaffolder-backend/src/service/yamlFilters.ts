import { stringify } from 'yaml';

/**
 * Characters YAML parsers may read as line breaks or refuse unescaped (NEL and the Unicode line and
 * paragraph separators are line breaks in YAML 1.1; C1 controls, DEL and the BOM are not printable).
 * JSON.stringify already escapes C0 controls, quotes and backslashes.
 */
const UNSAFE_IN_YAML = /[\u007f-\u009f\u2028\u2029\ufeff]/g;

/**
 * One value as a single-line YAML flow node: a string becomes a double-quoted scalar, so newlines,
 * `---`, `#`, `: ` and quotes in it stay data. JSON is YAML, and this is JSON with the extra escapes
 * YAML needs. Objects and arrays become flow collections; `undefined` becomes `null`.
 */
export function toYamlFlow(value: unknown): string {
  const json = JSON.stringify(value === undefined ? null : value) ?? 'null';
  return json.replace(UNSAFE_IN_YAML, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A whole YAML document (block style) of a value, for building a file such as `catalog-info.yaml` from an object. */
export function toYamlDocument(value: unknown): string {
  return stringify(value === undefined ? null : value, { lineWidth: 0 });
}

/**
 * The filters templates use to write YAML safely:
 * `owner: ${{ values.owner | yaml }}` and `${{ values.entity | toYaml }}`.
 */
export const yamlFilters: Record<string, (value: unknown) => string> = {
  yaml: (value: unknown) => toYamlFlow(value),
  toYaml: (value: unknown) => toYamlDocument(value),
};
