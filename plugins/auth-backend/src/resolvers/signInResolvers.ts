import { isValidEntityName, stringifyEntityRef, type Entity } from '@portico/catalog-model';
import type { ResolverName } from '../config';
import { SignInError, type SignInProfile } from '../providers/types';
import type { UserCatalog } from './UserCatalog';

/** The catalog annotation holding a User's GitHub login. */
export const GITHUB_LOGIN_ANNOTATION = 'github.com/user-login';
/** The catalog annotation holding a User's subject at the OpenID Connect provider. */
export const OIDC_SUBJECT_ANNOTATION = 'portico.dev/oidc-subject';

/** What a resolver found: the User, or nothing (the next resolver is tried). */
type Resolution = { userEntityRef: string; entity: Entity } | undefined;

type Resolver = (profile: SignInProfile, catalog: UserCatalog) => Promise<Resolution>;

/** The one User matching a filter; two are a refusal, never a guess. */
async function onlyUser(catalog: UserCatalog, filter: Record<string, string>, what: string): Promise<Resolution> {
  const users = await catalog.findEntities({ kind: 'user', ...filter });
  if (users.length > 1) throw new SignInError(`More than one catalog User has ${what}: ask an administrator to fix the catalog`);
  return users[0] ? { userEntityRef: stringifyEntityRef(users[0]), entity: users[0] } : undefined;
}

async function userNamed(catalog: UserCatalog, name: string | undefined): Promise<Resolution> {
  if (!name || !isValidEntityName(name)) return undefined;
  const ref = stringifyEntityRef({ kind: 'user', namespace: 'default', name });
  const [entity] = await catalog.getEntitiesByRefs([ref]);
  return entity ? { userEntityRef: ref, entity } : undefined;
}

/** An email the provider vouches for (an explicitly unverified one is ignored). */
const trustedEmail = (profile: SignInProfile) => (profile.email && profile.emailVerified !== false ? profile.email : undefined);

export const signInResolvers: Record<ResolverName, Resolver> = {
  async emailMatchingUserEntityProfileEmail(profile, catalog) {
    const email = trustedEmail(profile);
    return email ? onlyUser(catalog, { 'spec.profile.email': email }, `the email ${email}`) : undefined;
  },
  async emailLocalPartMatchingUserEntityName(profile, catalog) {
    return userNamed(catalog, trustedEmail(profile)?.split('@')[0]);
  },
  async usernameMatchingUserEntityAnnotation(profile, catalog) {
    return profile.username
      ? onlyUser(catalog, { [`metadata.annotations.${GITHUB_LOGIN_ANNOTATION}`]: profile.username }, `${GITHUB_LOGIN_ANNOTATION}: ${profile.username}`)
      : undefined;
  },
  async oidcSubjectMatchingUserEntityAnnotation(profile, catalog) {
    return onlyUser(catalog, { [`metadata.annotations.${OIDC_SUBJECT_ANNOTATION}`]: profile.subject }, `${OIDC_SUBJECT_ANNOTATION}: ${profile.subject}`);
  },
  async usernameMatchingUserEntityName(profile, catalog) {
    return userNamed(catalog, profile.username);
  },
};

/** How a profile is named in messages: the email, else the login, else the subject. */
export function describeProfile(profile: SignInProfile): string {
  return profile.email ?? profile.username ?? profile.subject;
}

/** A valid entity name made from the profile, for sign-in without a catalog User. */
function fallbackName(profile: SignInProfile): string | undefined {
  const raw = (profile.username ?? profile.email?.split('@')[0] ?? profile.subject).toLowerCase();
  const name = raw.replace(/[^a-z0-9_.-]+/g, '-').replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '').slice(0, 63);
  return isValidEntityName(name) ? name : undefined;
}

/**
 * Tries the resolvers in order and returns the first User found. Without one the sign-in is refused,
 * unless `dangerouslyAllowSignInWithoutUserInCatalog`: then it is `user:default/<login or email local part>`.
 */
export async function resolveUser(options: {
  profile: SignInProfile;
  resolvers: ResolverName[];
  catalog: UserCatalog;
  providerTitle: string;
  allowWithoutUserInCatalog: boolean;
}): Promise<{ userEntityRef: string; entity?: Entity }> {
  const { profile, catalog } = options;
  for (const name of options.resolvers) {
    const found = await signInResolvers[name](profile, catalog);
    if (found) return found;
  }
  if (options.allowWithoutUserInCatalog) {
    const name = fallbackName(profile);
    if (name) return { userEntityRef: stringifyEntityRef({ kind: 'user', namespace: 'default', name }) };
  }
  throw new SignInError(
    `No catalog User matches ${describeProfile(profile)} from ${options.providerTitle} ` +
      `(tried ${options.resolvers.join(', ')}). Ask an administrator to add you to the catalog.`,
  );
}
