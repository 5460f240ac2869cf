/**
 * One contribution of a plugin to the app: a page, a nav item, an entity tab, ...
 * Its id is `<kind>:<pluginId>/<name>`; app-config `app.extensions` refers to it by that id.
 */
export interface Extension<TKind extends string = string, TData = unknown> {
  readonly $$type: '@portico/Extension';
  readonly id: string;
  readonly kind: TKind;
  readonly pluginId: string;
  readonly name: string;
  /** Off unless app-config turns it on. */
  readonly disabledByDefault: boolean;
  readonly data: TData;
}

/** An extension before it belongs to a plugin (what blueprints return). */
export interface ExtensionDefinition<TKind extends string = string, TData = unknown> {
  readonly $$type: '@portico/ExtensionDefinition';
  readonly kind: TKind;
  readonly name: string;
  readonly disabledByDefault: boolean;
  readonly data: TData;
}

const NAME_PATTERN = /^[a-z0-9][a-z0-9-_.]*$/i;

/** Turns a route path into an extension name: `/catalog/register` → `catalog-register`, `/` → `index`. */
export function nameFromPath(path: string): string {
  const slug = path
    .replace(/:[^/]+/g, '')
    .split('/')
    .filter(Boolean)
    .join('-')
    .replace(/[^a-z0-9-_.]/gi, '');
  return slug || 'index';
}

/**
 * Defines an extension of any kind; the blueprints below call this. Use it directly only for a kind
 * that another plugin (or the app) reads through `useExtensions(kind)`.
 */
export function createExtension<TKind extends string, TData>(options: {
  kind: TKind;
  name: string;
  data: TData;
  disabled?: boolean;
}): ExtensionDefinition<TKind, TData> {
  if (!NAME_PATTERN.test(options.name)) {
    throw new Error(`Extension name '${options.name}' of kind '${options.kind}' must be letters, digits, '-', '_' or '.'`);
  }
  return {
    $$type: '@portico/ExtensionDefinition',
    kind: options.kind,
    name: options.name,
    disabledByDefault: options.disabled ?? false,
    data: options.data,
  };
}
