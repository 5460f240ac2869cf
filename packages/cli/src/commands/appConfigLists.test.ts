import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { addToConfigList } from './appConfigLists';

const repoConfig = fs.readFileSync(path.resolve(__dirname, '../../../../app-config.yaml'), 'utf8');

describe('addToConfigList', () => {
  it("adds one line to the repository's app-config and changes nothing else", () => {
    const { text, added } = addToConfigList(repoConfig, ['backend', 'plugins'], '@portico/plugin-radar-backend');
    expect(added).toBe(true);
    const before = repoConfig.split('\n');
    const after = text.split('\n');
    expect(after).toHaveLength(before.length + 1);
    const at = after.findIndex(line => line.includes('plugin-radar-backend'));
    expect(after[at]).toBe("    - '@portico/plugin-radar-backend'");
    expect([...after.slice(0, at), ...after.slice(at + 1)]).toEqual(before);
    expect(parse(text).backend.plugins.at(-1)).toBe('@portico/plugin-radar-backend');

    const app = addToConfigList(text, ['app', 'plugins'], '@portico/plugin-radar');
    expect(app.text.split('\n')).toHaveLength(before.length + 2);
    expect(parse(app.text).app.plugins.at(-1)).toBe('@portico/plugin-radar');
    // the flow lists and comments elsewhere are untouched
    expect(app.text).toContain("allowedHosts: ['localhost:7080']");
    expect(app.text).toContain('# The catalog (docs/catalog.md).');
  });

  it('keeps a trailing comment on the last item and puts the new item after it', () => {
    const source = "backend:\n  plugins:\n    - a # the a\n  # - b # later\nother: 1 # x\n";
    expect(addToConfigList(source, ['backend', 'plugins'], 'c').text).toBe("backend:\n  plugins:\n    - a # the a\n    - 'c'\n  # - b # later\nother: 1 # x\n");
  });

  it('adds to a flow list in place', () => {
    expect(addToConfigList("backend: { x: 1 }\napp:\n  plugins: ['a', b] # both\n", ['app', 'plugins'], 'c').text).toBe(
      "backend: { x: 1 }\napp:\n  plugins: ['a', b, 'c'] # both\n",
    );
    expect(addToConfigList('backend:\n  plugins: []\n', ['backend', 'plugins'], 'c').text).toBe("backend:\n  plugins: ['c']\n");
  });

  it('creates a missing list under its parent, or the parent at the end of the file', () => {
    expect(addToConfigList('# top\napp:\n  title: Acme # name\n', ['app', 'plugins'], 'p').text).toBe("# top\napp:\n  title: Acme # name\n  plugins:\n    - 'p'\n");
    expect(addToConfigList('app:\n  title: Acme\n', ['backend', 'plugins'], 'p').text).toBe("app:\n  title: Acme\nbackend:\n  plugins:\n    - 'p'\n");
    expect(addToConfigList('', ['backend', 'plugins'], 'p').text).toBe("backend:\n  plugins:\n    - 'p'\n");
    expect(addToConfigList('backend:\n  plugins:\n', ['backend', 'plugins'], 'p').text).toBe("backend:\n  plugins:\n    - 'p'\n");
  });

  it('leaves a list that already has the value alone, and refuses a key that is not a list', () => {
    expect(addToConfigList("app:\n  plugins: ['a']\n", ['app', 'plugins'], 'a')).toEqual({ text: "app:\n  plugins: ['a']\n", added: false });
    expect(() => addToConfigList('app:\n  plugins: a\n', ['app', 'plugins'], 'b')).toThrow('app.plugins must be a list');
  });
});
