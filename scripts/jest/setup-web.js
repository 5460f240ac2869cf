// jsdom lacks TextEncoder/TextDecoder, which react-router needs.
const { TextEncoder, TextDecoder } = require('node:util');
Object.assign(globalThis, { TextEncoder, TextDecoder });
require('@testing-library/jest-dom');
// findBy*/waitFor poll for their condition; their default 1 s deadline failed under a loaded CI machine (two jest
// workers on two cores, role queries over MUI tables taking seconds), so they wait up to 15 s. A passing test is
// not slowed: it returns as soon as the condition holds.
require('@testing-library/react').configure({ asyncUtilTimeout: 15000 });
