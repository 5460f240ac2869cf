import type { JsonValue } from '@portico/frontend-plugin-api';

/** Fetches the frontend-visible app-config from the backend; an app without it still starts, empty. */
export async function loadFrontendConfig(fetchImpl: typeof fetch = fetch): Promise<JsonValue> {
  try {
    const res = await fetchImpl('/app-config.json', { headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`GET /app-config.json answered ${res.status}`);
    return (await res.json()) as JsonValue;
  } catch (error) {
    console.warn('Could not load /app-config.json; starting with an empty config', error);
    return {};
  }
}
