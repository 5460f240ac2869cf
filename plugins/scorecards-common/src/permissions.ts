import { createPermission } from '@portico/permission-common';

// The scorecards plugin's permissions. Reads (scorecards, results, trends, facts) need credentials only.

/** Push facts about an entity from an external system (`POST /facts`). */
export const scorecardsFactsPushPermission = createPermission({ name: 'scorecards.facts.push', attributes: { action: 'create' } });

/** Run the fact collectors for one entity now (`POST /collect`). */
export const scorecardsFactsCollectPermission = createPermission({ name: 'scorecards.facts.collect', attributes: { action: 'update' } });

/** Ask for an exemption from a rule (`POST /exemptions`). */
export const scorecardsExemptionRequestPermission = createPermission({
  name: 'scorecards.exemption.request',
  attributes: { action: 'create' },
});

/**
 * Approve or reject an exemption of a scorecard someone else owns. The resource is the Scorecard entity
 * (`catalog-entity`, e.g. `scorecard:default/production-readiness`), so a policy may grant it with the
 * catalog's conditions. The scorecard's owners may decide without it; nobody decides their own request.
 */
export const scorecardsExemptionDecidePermission = createPermission({
  name: 'scorecards.exemption.decide',
  attributes: { action: 'update' },
  resourceType: 'catalog-entity',
});

/** Create and delete initiatives. */
export const scorecardsInitiativeManagePermission = createPermission({
  name: 'scorecards.initiative.manage',
  attributes: { action: 'update' },
});

/** Every permission of the scorecards plugin. */
export const scorecardsPermissions = [
  scorecardsFactsPushPermission,
  scorecardsFactsCollectPermission,
  scorecardsExemptionRequestPermission,
  scorecardsExemptionDecidePermission,
  scorecardsInitiativeManagePermission,
];
