/**
 * The words full-text search indexes and looks for, the same on every engine: runs of letters and
 * digits, lower-cased and without diacritics (as SQLite's unicode61 tokenizer splits them), so
 * `component-5249` is `component` and `5249` on SQLite and on PostgreSQL alike.
 */
export function searchTokens(text: string): string[] {
  return text.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}
