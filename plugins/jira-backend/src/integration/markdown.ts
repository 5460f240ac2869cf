/**
 * Markdown to what Jira stores: Atlassian Document Format (Cloud, API v3) or wiki markup (Data Center, API v2).
 * The subset templates and initiative tickets use: headings, paragraphs, bullet and numbered lists, fenced code,
 * and inline bold, italic, code and links. Anything else is kept as text.
 */

type AdfMark = { type: 'strong' | 'em' | 'code' } | { type: 'link'; attrs: { href: string } };
export type AdfNode = { type: string; attrs?: Record<string, unknown>; content?: AdfNode[]; text?: string; marks?: AdfMark[] };
export interface AdfDocument {
  type: 'doc';
  version: 1;
  content: AdfNode[];
}

type Block =
  | { kind: 'heading'; level: number; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; ordered: boolean; items: string[] }
  | { kind: 'code'; language: string; text: string };

/** The blocks of a markdown text. */
export function parseBlocks(markdown: string): Block[] {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length) blocks.push({ kind: 'paragraph', text: paragraph.join(' ') });
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fence = /^\s*```\s*([\w+-]*)\s*$/.exec(line);
    if (fence) {
      flush();
      const code: string[] = [];
      for (i++; i < lines.length && !/^\s*```\s*$/.test(lines[i]); i++) code.push(lines[i]);
      blocks.push({ kind: 'code', language: fence[1], text: code.join('\n') });
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      flush();
      blocks.push({ kind: 'heading', level: heading[1].length, text: heading[2].trim() });
      continue;
    }
    const item = /^\s*([-*+]|\d+[.)])\s+(.*)$/.exec(line);
    if (item) {
      flush();
      const ordered = /\d/.test(item[1]);
      const last = blocks[blocks.length - 1];
      if (last?.kind === 'list' && last.ordered === ordered) last.items.push(item[2]);
      else blocks.push({ kind: 'list', ordered, items: [item[2]] });
      continue;
    }
    if (line.trim() === '') flush();
    else paragraph.push(line.trim());
  }
  flush();
  return blocks;
}

type Inline = { text: string; marks: Array<'strong' | 'em' | 'code'>; href?: string };

/** Inline markdown: `code`, **bold**, *italic* / _italic_, [text](url). */
export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  const pattern = /`([^`]+)`|\*\*([^*]+)\*\*|\[([^\]]+)\]\(([^)\s]+)\)|(?<![\w*])\*([^*\s][^*]*)\*(?!\w)|(?<!\w)_([^_\s][^_]*)_(?!\w)/g;
  let at = 0;
  for (const match of text.matchAll(pattern)) {
    if (match.index > at) out.push({ text: text.slice(at, match.index), marks: [] });
    if (match[1] !== undefined) out.push({ text: match[1], marks: ['code'] });
    else if (match[2] !== undefined) out.push({ text: match[2], marks: ['strong'] });
    else if (match[3] !== undefined) out.push({ text: match[3], marks: [], href: match[4] });
    else out.push({ text: match[5] ?? match[6], marks: ['em'] });
    at = match.index + match[0].length;
  }
  if (at < text.length) out.push({ text: text.slice(at), marks: [] });
  return out.filter(i => i.text.length > 0);
}

function adfInline(text: string): AdfNode[] {
  return parseInline(text).map(i => {
    const marks: AdfMark[] = i.marks.map(type => ({ type }));
    if (i.href && /^(https?:|mailto:)/i.test(i.href)) marks.push({ type: 'link', attrs: { href: i.href } });
    return { type: 'text', text: i.text, ...(marks.length ? { marks } : {}) };
  });
}

/** Markdown as an ADF document (Jira Cloud's `description` and comment `body`). */
export function markdownToAdf(markdown: string): AdfDocument {
  const content: AdfNode[] = parseBlocks(markdown).map((block): AdfNode => {
    switch (block.kind) {
      case 'heading':
        return { type: 'heading', attrs: { level: block.level }, content: adfInline(block.text) };
      case 'paragraph':
        return { type: 'paragraph', content: adfInline(block.text) };
      case 'code':
        return { type: 'codeBlock', ...(block.language ? { attrs: { language: block.language } } : {}), content: block.text ? [{ type: 'text', text: block.text }] : [] };
      case 'list':
        return {
          type: block.ordered ? 'orderedList' : 'bulletList',
          content: block.items.map(item => ({ type: 'listItem', content: [{ type: 'paragraph', content: adfInline(item) }] })),
        };
    }
  });
  return { type: 'doc', version: 1, content };
}

/** Escapes characters wiki markup would read as formatting. */
const wikiText = (text: string) => text.replace(/([{}[\]|*_+^~-])/g, '\\$1');

function wikiInline(text: string): string {
  return parseInline(text)
    .map(i => {
      if (i.href) return `[${wikiText(i.text)}|${i.href}]`;
      if (i.marks.includes('code')) return `{{${i.text.replace(/[{}]/g, '\\$&')}}}`;
      if (i.marks.includes('strong')) return `*${wikiText(i.text)}*`;
      if (i.marks.includes('em')) return `_${wikiText(i.text)}_`;
      return wikiText(i.text);
    })
    .join('');
}

/** Markdown as Jira wiki markup (Data Center's `description` and comment `body`). */
export function markdownToWiki(markdown: string): string {
  return parseBlocks(markdown)
    .map(block => {
      switch (block.kind) {
        case 'heading':
          return `h${block.level}. ${wikiInline(block.text)}`;
        case 'paragraph':
          return wikiInline(block.text);
        case 'code':
          return `{code${block.language ? `:${block.language}` : ''}}\n${block.text}\n{code}`;
        case 'list':
          return block.items.map(item => `${block.ordered ? '#' : '*'} ${wikiInline(item)}`).join('\n');
      }
    })
    .join('\n\n');
}
