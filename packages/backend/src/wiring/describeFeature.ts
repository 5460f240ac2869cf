/** How errors and logs name a feature: `plugin 'catalog'`, `module 'catalog.github'`. */
export function describeFeature(feature: { pluginId: string; moduleId?: string }): string {
  return feature.moduleId ? `module '${feature.pluginId}.${feature.moduleId}'` : `plugin '${feature.pluginId}'`;
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
