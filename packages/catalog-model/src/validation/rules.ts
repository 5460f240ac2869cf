// Backstage's field format rules (KubernetesValidatorFunctions and friends), as plain predicates.

const DNS_LABEL = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const OBJECT_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const KIND = /^[a-zA-Z][a-z0-9A-Z]*$/;
const VERSION = /^[a-z0-9A-Z]+$/;
const TAG = /^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$/;

/** A DNS label: 1-63 lower-case letters, digits and inner dashes. */
export function isValidDnsLabel(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= 63 && DNS_LABEL.test(value);
}

/** A DNS subdomain: dot-separated DNS labels, at most 253 characters. */
export function isValidDnsSubdomain(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= 253 && value.split('.').every(isValidDnsLabel);
}

/** `prefix/suffix` or just `suffix`, each part checked by its own rule. */
function isValidPrefixAndOrSuffix(
  value: unknown,
  separator: string,
  isValidPrefix: (v: string) => boolean,
  isValidSuffix: (v: string) => boolean,
): value is string {
  if (typeof value !== 'string') return false;
  const parts = value.split(separator);
  if (parts.length === 1) return isValidSuffix(parts[0]!);
  if (parts.length === 2) return isValidPrefix(parts[0]!) && isValidSuffix(parts[1]!);
  return false;
}

/** An entity name: 1-63 characters `[a-zA-Z0-9]` separated by `-`, `_` or `.`. */
export function isValidEntityName(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= 63 && OBJECT_NAME.test(value);
}

/** A namespace: a DNS label (lower-case). */
export function isValidNamespace(value: unknown): value is string {
  return isValidDnsLabel(value);
}

/** A kind: 1-63 letters and digits, starting with a letter. */
export function isValidKind(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= 63 && KIND.test(value);
}

/** An apiVersion: `group/version` (group a DNS subdomain) or a bare `version`, as Backstage allows. */
export function isValidApiVersion(value: unknown): value is string {
  return isValidPrefixAndOrSuffix(value, '/', isValidDnsSubdomain, v => v.length >= 1 && v.length <= 63 && VERSION.test(v));
}

/** A label key: `[prefix/]name`, prefix a DNS subdomain (≤253), name an entity-name-like string (≤63). */
export function isValidLabelKey(value: unknown): value is string {
  return isValidPrefixAndOrSuffix(value, '/', isValidDnsSubdomain, isValidEntityName);
}

/** A label value: empty, or an entity-name-like string (≤63). */
export function isValidLabelValue(value: unknown): value is string {
  return value === '' || isValidEntityName(value);
}

/** An annotation key: same rules as a label key. */
export function isValidAnnotationKey(value: unknown): value is string {
  return isValidLabelKey(value);
}

/** An annotation value: any string. */
export function isValidAnnotationValue(value: unknown): value is string {
  return typeof value === 'string';
}

/** A tag: 1-63 characters, lower-case `[a-z0-9:+#]` words separated by `-`. */
export function isValidTag(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= 63 && TAG.test(value);
}
