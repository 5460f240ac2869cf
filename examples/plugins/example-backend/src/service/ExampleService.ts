import { NotFoundError } from '@portico/errors';
import type { GreetingDecorator } from '../extensions';
import type { Thing, ThingStore } from '../database/ThingStore';

/** The example's business rules: the decorated greeting, and things kept per entity. */
export class ExampleService {
  constructor(
    private readonly store: ThingStore,
    private readonly options: { greeting: string; decorators: readonly GreetingDecorator[] },
  ) {}

  getGreeting(): string {
    return this.options.decorators.reduce((text, decorate) => decorate(text), this.options.greeting);
  }

  addThing(thing: { name: string; entityRef?: string }): Promise<Thing> {
    return this.store.insert(thing);
  }

  listThings(filter: { entityRef?: string; limit: number }): Promise<Thing[]> {
    return this.store.list(filter);
  }

  async getThing(id: string): Promise<Thing> {
    const thing = await this.store.get(id);
    if (!thing) throw new NotFoundError(`No thing with id '${id}'`);
    return thing;
  }
}
