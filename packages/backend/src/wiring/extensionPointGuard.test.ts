import { extensionPointRuntimeMethods } from '@portico/backend-plugin-api';
import { guardExtensionPoint } from './extensionPointGuard';

describe('guardExtensionPoint', () => {
  const info = (closed: { now: boolean }) => ({
    extensionPointId: 'owner.things',
    contributor: "Plugin 'late'",
    owner: "plugin 'owner'",
    isClosed: () => closed.now,
  });

  it('lets the methods an implementation lists as run-time through after the owner started, and no other', async () => {
    const things: string[] = [];
    const impl = {
      addThing: (thing: string) => void things.push(thing),
      runNow: async (thing: string) => `ran ${thing}`,
      [extensionPointRuntimeMethods]: ['runNow'],
    };
    const closed = { now: false };
    const guarded = guardExtensionPoint(impl, info(closed));
    guarded.addThing('early');
    closed.now = true;
    await expect(guarded.runNow('later')).resolves.toBe('ran later');
    expect(() => guarded.addThing('too late')).toThrow("Plugin 'late' used extension point 'owner.things' after its owner plugin 'owner' began initialising");
    expect(things).toEqual(['early']);
  });

  it('freezes every method of an implementation that lists none', () => {
    const closed = { now: true };
    const guarded = guardExtensionPoint({ runNow: () => 'ran' }, info(closed));
    expect(() => guarded.runNow()).toThrow(/after its owner plugin 'owner' began initialising/);
  });
});
