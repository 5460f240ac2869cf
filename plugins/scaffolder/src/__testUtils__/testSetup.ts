import { configure } from '@testing-library/react';
import { deserialize, serialize } from 'node:v8';

// A busy machine can take more than the default second to render MUI pages; wait longer before failing.
configure({ asyncUtilTimeout: 5000 });
// The wizard walks several MUI forms; on a loaded machine that takes longer than the default 30 s.
jest.setTimeout(90_000);

// jsdom lacks structuredClone, which the form library uses; browsers and Node have it.
if (typeof globalThis.structuredClone !== 'function') {
  globalThis.structuredClone = (<T,>(value: T): T => (value === undefined ? value : (deserialize(serialize(value)) as T))) as typeof structuredClone;
}
