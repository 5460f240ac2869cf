/** @portico/plugin-auth-backend: sign-in providers, resolvers, sessions and personal access tokens (plugin id `auth`). */
export { authPlugin as default, authPlugin } from './plugin';
export { authConfigSchema, resolverNames, type AuthConfig, type ResolverName } from './config';
export { GITHUB_LOGIN_ANNOTATION, OIDC_SUBJECT_ANNOTATION } from './resolvers/signInResolvers';
