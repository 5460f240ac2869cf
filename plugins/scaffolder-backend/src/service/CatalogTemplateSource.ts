import { pathToFileURL } from 'node:url';
import { ANNOTATION_LOCATION, stringifyEntityRef } from '@portico/catalog-model';
import type { CatalogApi } from '@portico/plugin-catalog-common';
import type { TemplateEntityV1beta3 } from '@portico/plugin-scaffolder-common';
import type { CatalogLocationsClient } from '../actions/catalogRegister';
import type { TemplateSource } from './TaskService';

/** `file:/abs/template.yaml` → `file:///abs/template.yaml`; `url:https://…` → `https://…`. */
export function baseUrlOfLocation(location: string | undefined): string | undefined {
  if (!location) return undefined;
  if (location.startsWith('url:')) return location.slice(4);
  if (location.startsWith('file:')) {
    const rest = location.slice(5);
    return rest.startsWith('//') ? location : pathToFileURL(rest).toString();
  }
  return undefined;
}

/** Templates are Template entities read from the catalog. */
export class CatalogTemplateSource implements TemplateSource {
  constructor(private readonly catalog: CatalogApi) {}

  async getTemplate(ref: { kind: string; namespace: string; name: string }, options: { token?: string }) {
    const entity = await this.catalog.getEntityByRef(ref, { token: options.token });
    if (!entity) return undefined;
    const baseUrl = baseUrlOfLocation(entity.metadata.annotations?.[ANNOTATION_LOCATION]);
    return { template: entity as unknown as TemplateEntityV1beta3, baseUrl };
  }
}

/** catalog:register through the catalog's `POST /locations`, as the scaffolder plugin itself. */
export class CatalogLocationsAdapter implements CatalogLocationsClient {
  constructor(private readonly catalog: CatalogApi, private readonly getToken: () => Promise<string | undefined>) {}

  async addLocation(location: { type: string; target: string; dryRun?: boolean }) {
    const result = await this.catalog.addLocation({ type: location.type, target: location.target, dryRun: location.dryRun }, { token: await this.getToken() });
    return { entityRefs: result.entities.map(e => stringifyEntityRef(e)) };
  }

  async getEntityByRef(entityRef: string) {
    const entity = await this.catalog.getEntityByRef(entityRef, { token: await this.getToken() });
    return entity as unknown as Record<string, unknown> | undefined;
  }
}
