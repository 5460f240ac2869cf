/**
 * @portico/types: the one declaration of the JSON types, for the plugin APIs and the `-common` packages alike.
 * Types only; no runtime.
 */

export type JsonPrimitive = string | number | boolean | null;

/** A value JSON (or app-config) can hold. */
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;

export type JsonObject = { [key: string]: JsonValue };
