/** The spellings of a plugin name that generated code uses. */
export interface PluginNames {
  /** `my-thing`: plugin id, paths, package names, CSS ids. */
  kebab: string;
  /** `myThing`: the prefix of variables (`myThingPlugin`). */
  camel: string;
  /** `MyThing`: the prefix of types and components (`MyThingPage`). */
  pascal: string;
  /** `My Thing`: what people read (page title, nav item). */
  title: string;
  /** `MY_THING` */
  constant: string;
}

const NAME_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export function pluginNames(name: string): PluginNames {
  if (!NAME_PATTERN.test(name)) {
    throw new Error(`Plugin name '${name}' must be lower-case words joined by '-', e.g. 'my-thing'`);
  }
  const words = name.split('-');
  const cap = (w: string) => w[0].toUpperCase() + w.slice(1);
  return {
    kebab: name,
    camel: words[0] + words.slice(1).map(cap).join(''),
    pascal: words.map(cap).join(''),
    title: words.map(cap).join(' '),
    constant: words.join('_').toUpperCase(),
  };
}
