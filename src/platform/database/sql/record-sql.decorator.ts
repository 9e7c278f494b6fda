const RECORDED_SQL = Symbol('recorded-sql');

/** A fixed id for example arguments, so that recorded statements do not change from run to run. */
export const EXAMPLE_ID = '00000000-0000-7000-8000-000000000001';

/**
 * Marks a repository method whose statements are recorded in docs/sql/<module>.sql (test/sql), one
 * recording per argument list given: reviewers read the SQL the code really runs, and a change to it
 * shows up in the diff. The recording runs each call in a unit of work that is rolled back.
 */
export function RecordSql(...examples: unknown[][]): MethodDecorator {
  return (_target, _key, descriptor: PropertyDescriptor) => {
    Reflect.defineMetadata(RECORDED_SQL, examples.length ? examples : [[]], descriptor.value as object);
  };
}

/** The recorded methods of a repository instance and their example argument lists. */
export function recordedMethodsOf(repository: object): { method: string; examples: unknown[][] }[] {
  const recorded: { method: string; examples: unknown[][] }[] = [];
  for (
    let prototype = Object.getPrototypeOf(repository);
    prototype && prototype !== Object.prototype;
    prototype = Object.getPrototypeOf(prototype)
  ) {
    for (const method of Object.getOwnPropertyNames(prototype)) {
      const value: unknown = Object.getOwnPropertyDescriptor(prototype, method)?.value;
      const examples = typeof value === 'function' ? (Reflect.getMetadata(RECORDED_SQL, value) as unknown[][] | undefined) : undefined;
      if (examples && !recorded.some((entry) => entry.method === method)) recorded.push({ method, examples });
    }
  }
  return recorded;
}
