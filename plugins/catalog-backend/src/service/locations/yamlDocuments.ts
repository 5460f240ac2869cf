import yaml from 'js-yaml';

/** One YAML document of a file: its parsed value, or why it could not be parsed, and where it starts. */
export type ParsedDocument = { line: number; value: unknown } | { line: number; error: string };

/**
 * Splits a multi-document YAML file at `---` lines and parses each document on its own, so one
 * malformed document does not hide the others. Uses the YAML 1.2 core schema (no timestamps).
 */
export function parseYamlDocuments(text: string, fileName: string): ParsedDocument[] {
  const out: ParsedDocument[] = [];
  for (const source of splitYamlDocuments(text)) parseOne(source, fileName, out);
  return out;
}

/** Like `parseYamlDocuments`, but lets the event loop run every few hundred documents (large files). */
export async function parseYamlDocumentsAsync(text: string, fileName: string): Promise<ParsedDocument[]> {
  const out: ParsedDocument[] = [];
  let n = 0;
  for (const source of splitYamlDocuments(text)) {
    parseOne(source, fileName, out);
    if (++n % 250 === 0) await new Promise(resolve => setImmediate(resolve));
  }
  return out;
}

function parseOne({ source, start }: { source: string; start: number }, fileName: string, out: ParsedDocument[]) {
  if (!source.replace(/#.*$/gm, '').trim()) return;
  try {
    const value = yaml.load(source, { schema: yaml.CORE_SCHEMA, filename: fileName, json: true });
    if (value === undefined || value === null) return;
    out.push({ line: start + 1, value });
  } catch (error) {
    const e = error as { reason?: string; message: string; mark?: { line: number; column: number } };
    const line = e.mark ? start + e.mark.line + 1 : start + 1;
    out.push({ line, error: `${fileName}:${line}: ${e.reason ?? e.message.split('\n')[0]}` });
  }
}

/** The documents of a file (split at `---` and `...` lines) with the 0-based line each starts at. */
function splitYamlDocuments(text: string): Array<{ source: string; start: number }> {
  const docs: Array<{ source: string; start: number }> = [];
  const lines = text.split('\n');
  let start = 0;
  let buffer: string[] = [];
  const flush = () => {
    if (buffer.length) docs.push({ source: buffer.join('\n'), start });
    buffer = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.startsWith('---') && /^---(\s|$)/.test(l)) {
      flush();
      start = i + 1;
      const rest = l.slice(3).trim();
      if (rest && !rest.startsWith('#')) {
        buffer.push(rest);
        start = i;
      }
      continue;
    }
    if (l.startsWith('...') && /^\.\.\.\s*$/.test(l)) {
      flush();
      start = i + 1;
      continue;
    }
    buffer.push(l);
  }
  flush();
  return docs;
}
