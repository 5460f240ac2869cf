/** Which plugin a plugin-scoped service is serving. */
export interface PluginMetadataService {
  getId(): string;
}
