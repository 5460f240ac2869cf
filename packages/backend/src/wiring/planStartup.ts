import {
  coreServices,
  integrationsExtensionPoint,
  type BackendPluginFeature,
  type ExtensionPoint,
  type ServiceRef,
} from '@portico/backend-plugin-api';
import { capitalize, describeFeature } from './describeFeature';
import type { FeatureRegistration } from './FeatureRegistration';
import type { ServiceRegistry } from './ServiceRegistry';

/** One unit of startup work: a plugin's or module's init, or the host's integrations registry. */
export interface FeatureNode {
  key: string;
  label: string;
  pluginId: string;
  moduleId?: string;
  /** Undefined for the host's own `core.integrations` node. */
  registration?: FeatureRegistration;
  /** Keys of nodes that must finish first, with the reason (for cycle messages). */
  after: Map<string, string>;
}

export interface ExtensionPointEntry {
  id: string;
  ownerKey: string;
  ownerLabel: string;
  impl: unknown;
}

export interface StartupPlan {
  nodes: Map<string, FeatureNode>;
  pluginIds: string[];
  /** Modules whose target plugin is not installed; their config keys still count as known. */
  skippedModules: Array<{ pluginId: string; moduleId: string; label: string; registration: FeatureRegistration }>;
  extensionPoints: Map<string, ExtensionPointEntry>;
}

export const INTEGRATIONS_NODE_KEY = 'host:core.integrations';
const INTEGRATIONS_LABEL = "the host's integrations registry ('core.integrations')";

const nodeKey = (f: { pluginId: string; moduleId?: string }) =>
  f.moduleId ? `module:${f.pluginId}.${f.moduleId}` : `plugin:${f.pluginId}`;

function isExtensionPoint(value: unknown): value is ExtensionPoint<unknown> {
  return (value as { $$type?: unknown })?.$$type === '@portico/ExtensionPoint';
}

/**
 * Reads every feature's registration and works out the init order, failing with the names
 * of the features involved on duplicate ids, missing services or extension points, and cycles.
 */
export function planStartup(
  features: BackendPluginFeature[],
  registry: ServiceRegistry,
  integrationsImpl: unknown,
): StartupPlan {
  const registrations = features.map(f => f.getRegistration());

  const pluginIds = new Set<string>();
  const moduleIds = new Set<string>();
  for (const r of registrations) {
    if (r.type === 'plugin') {
      if (pluginIds.has(r.pluginId)) throw new Error(`Plugin '${r.pluginId}' was added twice; plugin ids must be unique`);
      pluginIds.add(r.pluginId);
    }
  }
  for (const r of registrations) {
    if (r.type === 'module') {
      const id = `${r.pluginId}.${r.moduleId}`;
      if (moduleIds.has(id)) throw new Error(`Module '${id}' was added twice; module ids must be unique within a plugin`);
      moduleIds.add(id);
    }
  }

  const nodes = new Map<string, FeatureNode>();
  const skippedModules: StartupPlan['skippedModules'] = [];
  for (const r of registrations) {
    if (r.type === 'module' && !pluginIds.has(r.pluginId)) {
      skippedModules.push({ pluginId: r.pluginId, moduleId: r.moduleId!, label: describeFeature(r), registration: r });
      continue;
    }
    nodes.set(nodeKey(r), { key: nodeKey(r), label: describeFeature(r), pluginId: r.pluginId, moduleId: r.moduleId, registration: r, after: new Map() });
  }
  const integrationsNode: FeatureNode = { key: INTEGRATIONS_NODE_KEY, label: INTEGRATIONS_LABEL, pluginId: '', after: new Map() };
  nodes.set(INTEGRATIONS_NODE_KEY, integrationsNode);

  const extensionPoints = new Map<string, ExtensionPointEntry>();
  extensionPoints.set(integrationsExtensionPoint.id, {
    id: integrationsExtensionPoint.id,
    ownerKey: INTEGRATIONS_NODE_KEY,
    ownerLabel: INTEGRATIONS_LABEL,
    impl: integrationsImpl,
  });
  for (const node of nodes.values()) {
    for (const { ref, impl } of node.registration?.extensionPoints ?? []) {
      const existing = extensionPoints.get(ref.id);
      if (existing) {
        throw new Error(`Extension point '${ref.id}' is registered by both ${existing.ownerLabel} and ${node.label}`);
      }
      extensionPoints.set(ref.id, { id: ref.id, ownerKey: node.key, ownerLabel: node.label, impl });
    }
  }

  for (const node of nodes.values()) {
    if (!node.registration) continue;
    const serviceRefs: ServiceRef<unknown>[] = [];
    for (const dep of Object.values(node.registration.init.deps)) {
      if (isExtensionPoint(dep)) {
        const ep = extensionPoints.get(dep.id);
        if (!ep) throw new Error(`${capitalize(node.label)} depends on extension point '${dep.id}' which is not provided`);
        if (ep.ownerKey !== node.key) {
          nodes.get(ep.ownerKey)!.after.set(node.key, `${node.label} contributes to extension point '${dep.id}' owned by ${ep.ownerLabel}`);
        }
      } else {
        serviceRefs.push(dep);
      }
    }
    registry.checkDependencies(node.label, serviceRefs);
    if (registry.transitiveServiceIds(serviceRefs).has(coreServices.integrations.id)) {
      node.after.set(INTEGRATIONS_NODE_KEY, `${node.label} uses the integrations service, which is ready once every provider is added`);
    }
    if (node.moduleId) {
      const plugin = nodes.get(nodeKey({ pluginId: node.pluginId }))!;
      if (!plugin.after.has(node.key)) plugin.after.set(node.key, `${node.label} extends ${plugin.label}`);
    }
  }

  checkForCycles(nodes);
  return { nodes, pluginIds: [...pluginIds], skippedModules, extensionPoints };
}

function checkForCycles(nodes: Map<string, FeatureNode>): void {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (key: string) => {
    if (state.get(key) === 'done') return;
    if (state.get(key) === 'visiting') {
      const cycle = [...stack.slice(stack.indexOf(key)), key];
      const names = cycle.map(k => nodes.get(k)!.label).join(' -> ');
      const reasons = cycle.slice(0, -1).map((k, i) => nodes.get(k)!.after.get(cycle[i + 1])!);
      throw new Error(`Circular dependency between features: ${names} (${reasons.join('; ')})`);
    }
    state.set(key, 'visiting');
    stack.push(key);
    for (const dep of nodes.get(key)!.after.keys()) visit(dep);
    stack.pop();
    state.set(key, 'done');
  };
  for (const key of nodes.keys()) visit(key);
}
