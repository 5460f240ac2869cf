import { isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';

const quote = (value: string) => `'${value.replace(/'/g, "''")}'`;

const lineStart = (text: string, at: number) => text.lastIndexOf('\n', at - 1) + 1;
const lineEnd = (text: string, at: number) => {
  const end = text.indexOf('\n', at);
  return end < 0 ? text.length : end;
};

/** The text with `insert` put at `at`, on a line of its own after the line that `at` ends. */
function insertLineAfter(text: string, at: number, line: string): string {
  const end = lineEnd(text, at);
  return end === text.length ? `${text}\n${line}\n` : `${text.slice(0, end)}\n${line}${text.slice(end)}`;
}

function rangeOf(node: Node): [number, number, number] {
  if (!node.range) throw new Error('a YAML node without a source range');
  return node.range;
}

/** Lines that create `keys` (the first one under a parent indented `indent`), ending in a list of `value`. */
function newKeyLines(keys: string[], indent: string, value: string): string[] {
  return keys.map((key, i) => `${indent}${'  '.repeat(i)}${key}:`).concat(`${indent}${'  '.repeat(keys.length)}- ${quote(value)}`);
}

/**
 * Adds `value` to the list at `keyPath` of a YAML file by inserting text, so every comment, quote, blank
 * line and flow list of the file stays as it was: a block list gets one `- 'value'` line under its last item, a
 * flow list (`[a, b]`) one more entry, and a missing list (or missing parents) the lines that create it.
 * Returns the new text and whether the value was added (false when it was already listed).
 */
export function addToConfigList(text: string, keyPath: string[], value: string): { text: string; added: boolean } {
  const doc: Document = parseDocument(text);
  if (doc.errors.length) throw new Error(`app-config.yaml: ${doc.errors[0].message}`);
  if (doc.contents !== null && !isMap(doc.contents)) throw new Error('app-config.yaml must be a mapping');

  const node = doc.getIn(keyPath, true) as Node | null | undefined;
  if (isSeq(node)) {
    if (node.items.some(item => (isScalar(item) ? String(item.value) : String(item)) === value)) return { text, added: false };
    const [start, end] = rangeOf(node);
    if (node.flow) {
      const close = text.lastIndexOf(']', end);
      const empty = node.items.length === 0;
      return { text: `${text.slice(0, close)}${empty ? '' : ', '}${quote(value)}${text.slice(close)}`, added: true };
    }
    const last = node.items.at(-1) as Node;
    const [itemStart, itemValueEnd] = rangeOf(last);
    const prefix = text.slice(lineStart(text, itemStart), itemStart); // e.g. "    - "
    return { text: insertLineAfter(text, Math.max(itemValueEnd - 1, start), `${prefix}${quote(value)}`), added: true };
  }
  if (node !== undefined && !(isScalar(node) && node.value === null)) {
    throw new Error(`app-config.yaml: ${keyPath.join('.')} must be a list`);
  }

  // The list is missing: find the deepest block map on the path and add the lines below its last entry.
  let depth = keyPath.length - 1;
  if (node !== undefined) {
    // `key:` with nothing after it: put the list under that key.
    const parent = doc.getIn(keyPath.slice(0, -1), true) as Node;
    const pair = isMap(parent) ? parent.items.find(p => isScalar(p.key) && p.key.value === keyPath.at(-1)) : undefined;
    if (pair && isScalar(pair.key)) {
      const keyStart = rangeOf(pair.key)[0];
      const indent = text.slice(lineStart(text, keyStart), keyStart);
      return { text: insertLineAfter(text, keyStart, `${indent}  - ${quote(value)}`), added: true };
    }
  }
  while (depth > 0 && !isMap(doc.getIn(keyPath.slice(0, depth), true))) depth--;
  const parent = depth === 0 ? doc.contents : (doc.getIn(keyPath.slice(0, depth), true) as Node);
  if (!parent || (isMap(parent) && parent.items.length === 0) || (isMap(parent) && parent.flow)) {
    if (depth > 0 || (parent && isMap(parent) && parent.flow)) {
      // An empty or flow mapping on the way: let the YAML library write that part.
      doc.setIn(keyPath, doc.createNode([value]));
      return { text: doc.toString(), added: true };
    }
    const body = newKeyLines(keyPath, '', value).join('\n');
    return { text: text.length === 0 || text.endsWith('\n') ? `${text}${body}\n` : `${text}\n${body}\n`, added: true };
  }
  if (!isMap(parent)) throw new Error(`app-config.yaml: ${keyPath.slice(0, depth).join('.')} must be a mapping`);
  const firstKey = parent.items[0].key as Node;
  const keyStart = rangeOf(firstKey)[0];
  const indent = text.slice(lineStart(text, keyStart), keyStart);
  const lastPair = parent.items.at(-1)!;
  const lastEnd = rangeOf((lastPair.value ?? lastPair.key) as Node)[1];
  return { text: insertLineAfter(text, Math.max(lastEnd - 1, keyStart), newKeyLines(keyPath.slice(depth), indent, value).join('\n')), added: true };
}
