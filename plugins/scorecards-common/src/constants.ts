/** The apiVersion and kind of Scorecard entities. */
export const SCORECARD_API_VERSION = 'portico.dev/v1alpha1';
export const SCORECARD_KIND = 'Scorecard';
/** The level name used in distributions for entities below every level. */
export const NO_LEVEL = 'none';
