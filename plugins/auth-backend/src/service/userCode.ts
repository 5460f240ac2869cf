import { randomInt } from 'node:crypto';

/**
 * RFC 8628 §6.1's alphabet: consonants only (no words spelled, no O or I to read as 0 or 1) and no digits, so
 * that nothing in a code is ambiguous. 20^8 codes: about 34 bits.
 */
export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';

/** A new user code such as `WDJB-MJHT`: eight letters of the alphabet, in two groups. */
export function newUserCode(): string {
  let code = '';
  for (let i = 0; i < 8; i++) code += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/**
 * The canonical form of a code a person typed (`wdjb mjht`, `WDJBMJHT`, `wdjb-mjht`), or undefined when it
 * cannot be one: case, spaces and dashes do not matter.
 */
export function normalizeUserCode(input: string): string | undefined {
  const letters = input.toUpperCase().replace(/[\s-]/g, '');
  if (letters.length !== 8 || [...letters].some(c => !USER_CODE_ALPHABET.includes(c))) return undefined;
  return `${letters.slice(0, 4)}-${letters.slice(4)}`;
}
