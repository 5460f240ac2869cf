/** Isomorphic types of the scorecards plugin pair. */
export * from './types';
export * from './constants';
export * from './permissions';
