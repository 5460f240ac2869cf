import { z } from 'zod';
import {
  RELATION_CHILD_OF,
  RELATION_CONSUMES_API,
  RELATION_DEPENDENCY_OF,
  RELATION_DEPENDS_ON,
  RELATION_HAS_MEMBER,
  RELATION_MEMBER_OF,
  RELATION_OWNED_BY,
  RELATION_PARENT_OF,
  RELATION_PART_OF,
  RELATION_PROVIDES_API,
} from '../relations/relations';
import type { CatalogKindDefinition } from './CatalogKindDefinition';
import { entityRefField, entityRefList, nonEmptyString, profileSchema, relationsFromSpec } from './specFields';

/** The apiVersions of Backstage's core kinds. */
export const BACKSTAGE_API_VERSIONS = ['backstage.io/v1alpha1', 'backstage.io/v1beta1'];
/** The apiVersion of software templates. */
export const TEMPLATE_API_VERSIONS = ['scaffolder.backstage.io/v1beta3'];

// Unknown spec fields are kept (looseObject), as Backstage's JSON schemas allow them.

/** `spec` of a Component. */
export const componentSpecSchema = z.looseObject({
  type: nonEmptyString(),
  lifecycle: nonEmptyString(),
  owner: entityRefField('group'),
  system: entityRefField('system').optional(),
  subcomponentOf: entityRefField('component').optional(),
  providesApis: entityRefList('api').optional(),
  consumesApis: entityRefList('api').optional(),
  dependsOn: entityRefList('component').optional(),
  dependencyOf: entityRefList('component').optional(),
});

export const componentKind: CatalogKindDefinition = {
  apiVersions: BACKSTAGE_API_VERSIONS,
  kind: 'Component',
  description: 'A piece of software: a service, a website, a library.',
  specSchema: componentSpecSchema,
  relations: relationsFromSpec([
    ['owner', RELATION_OWNED_BY, 'group'],
    ['system', RELATION_PART_OF, 'system'],
    ['subcomponentOf', RELATION_PART_OF, 'component'],
    ['providesApis', RELATION_PROVIDES_API, 'api'],
    ['consumesApis', RELATION_CONSUMES_API, 'api'],
    ['dependsOn', RELATION_DEPENDS_ON, 'component'],
    ['dependencyOf', RELATION_DEPENDENCY_OF, 'component'],
  ]),
};

/** `spec` of an API. */
export const apiSpecSchema = z.looseObject({
  type: nonEmptyString(),
  lifecycle: nonEmptyString(),
  owner: entityRefField('group'),
  system: entityRefField('system').optional(),
  definition: nonEmptyString(),
});

export const apiKind: CatalogKindDefinition = {
  apiVersions: BACKSTAGE_API_VERSIONS,
  kind: 'API',
  description: 'An interface a component provides: OpenAPI, AsyncAPI, GraphQL, gRPC.',
  specSchema: apiSpecSchema,
  relations: relationsFromSpec([
    ['owner', RELATION_OWNED_BY, 'group'],
    ['system', RELATION_PART_OF, 'system'],
  ]),
};

/** `spec` of a Resource. */
export const resourceSpecSchema = z.looseObject({
  type: nonEmptyString(),
  owner: entityRefField('group'),
  system: entityRefField('system').optional(),
  dependsOn: entityRefList('component').optional(),
  dependencyOf: entityRefList('component').optional(),
});

export const resourceKind: CatalogKindDefinition = {
  apiVersions: BACKSTAGE_API_VERSIONS,
  kind: 'Resource',
  description: 'Infrastructure a component needs at run time: a database, a queue, a bucket.',
  specSchema: resourceSpecSchema,
  relations: relationsFromSpec([
    ['owner', RELATION_OWNED_BY, 'group'],
    ['system', RELATION_PART_OF, 'system'],
    ['dependsOn', RELATION_DEPENDS_ON, 'component'],
    ['dependencyOf', RELATION_DEPENDENCY_OF, 'component'],
  ]),
};

/** `spec` of a System. */
export const systemSpecSchema = z.looseObject({
  owner: entityRefField('group'),
  domain: entityRefField('domain').optional(),
  type: z.string().optional(),
});

export const systemKind: CatalogKindDefinition = {
  apiVersions: BACKSTAGE_API_VERSIONS,
  kind: 'System',
  description: 'A set of components, APIs and resources that together provide a capability.',
  specSchema: systemSpecSchema,
  relations: relationsFromSpec([
    ['owner', RELATION_OWNED_BY, 'group'],
    ['domain', RELATION_PART_OF, 'domain'],
  ]),
};

/** `spec` of a Domain. */
export const domainSpecSchema = z.looseObject({
  owner: entityRefField('group'),
  subdomainOf: entityRefField('domain').optional(),
  type: z.string().optional(),
});

export const domainKind: CatalogKindDefinition = {
  apiVersions: BACKSTAGE_API_VERSIONS,
  kind: 'Domain',
  description: 'A business area grouping related systems.',
  specSchema: domainSpecSchema,
  relations: relationsFromSpec([
    ['owner', RELATION_OWNED_BY, 'group'],
    ['subdomainOf', RELATION_PART_OF, 'domain'],
  ]),
};

/** `spec` of a Group. */
export const groupSpecSchema = z.looseObject({
  type: nonEmptyString(),
  profile: profileSchema.optional(),
  parent: entityRefField('group').optional(),
  children: entityRefList('group'),
  members: entityRefList('user').optional(),
});

export const groupKind: CatalogKindDefinition = {
  apiVersions: BACKSTAGE_API_VERSIONS,
  kind: 'Group',
  description: 'A team, department or organisation.',
  specSchema: groupSpecSchema,
  relations: relationsFromSpec([
    ['parent', RELATION_CHILD_OF, 'group'],
    ['children', RELATION_PARENT_OF, 'group'],
    ['members', RELATION_HAS_MEMBER, 'user'],
  ]),
};

/** `spec` of a User. */
export const userSpecSchema = z.looseObject({
  profile: profileSchema.optional(),
  memberOf: entityRefList('group'),
});

export const userKind: CatalogKindDefinition = {
  apiVersions: BACKSTAGE_API_VERSIONS,
  kind: 'User',
  description: 'A person.',
  specSchema: userSpecSchema,
  relations: relationsFromSpec([['memberOf', RELATION_MEMBER_OF, 'group']]),
};

/** `spec` of a Location. */
export const locationSpecSchema = z.looseObject({
  type: z.string().optional(),
  target: nonEmptyString().optional(),
  targets: z.array(nonEmptyString()).optional(),
  presence: z.enum(['required', 'optional']).optional(),
});

export const locationKind: CatalogKindDefinition = {
  apiVersions: BACKSTAGE_API_VERSIONS,
  kind: 'Location',
  description: 'A pointer to more descriptor files (`target`, `targets`), read recursively.',
  specSchema: locationSpecSchema,
  relations: () => [],
};

const templateStepSchema = z.looseObject({
  id: z.string().optional(),
  name: z.string().optional(),
  action: nonEmptyString(),
  input: z.record(z.string(), z.unknown()).optional(),
  if: z.union([z.string(), z.boolean()]).optional(),
});

/** `spec` of a Template. */
export const templateSpecSchema = z.looseObject({
  type: nonEmptyString(),
  owner: entityRefField('group').optional(),
  lifecycle: z.string().optional(),
  parameters: z.union([z.record(z.string(), z.unknown()), z.array(z.record(z.string(), z.unknown()))]).optional(),
  steps: z.array(templateStepSchema),
  output: z.record(z.string(), z.unknown()).optional(),
});

export const templateKind: CatalogKindDefinition = {
  apiVersions: TEMPLATE_API_VERSIONS,
  kind: 'Template',
  description: 'A software template: parameters (JSON Schema) and the steps that run with them.',
  specSchema: templateSpecSchema,
  relations: relationsFromSpec([['owner', RELATION_OWNED_BY, 'group']]),
};

/** The kinds every catalog knows; the catalog backend registers them through `catalog.kinds`. */
export const builtinKinds: CatalogKindDefinition[] = [
  componentKind,
  apiKind,
  resourceKind,
  systemKind,
  domainKind,
  groupKind,
  userKind,
  locationKind,
  templateKind,
];
