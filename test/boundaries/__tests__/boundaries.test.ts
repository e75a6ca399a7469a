/**
 * Package boundaries: each deployable loads only what it uses, and importing a package changes
 * nothing global. Each check loads modules in a registry of its own (`jest.isolateModules`) and
 * reads which modules that registry holds (`require.cache`).
 */
/* eslint-disable @typescript-eslint/no-require-imports -- each check loads modules itself, at the moment it chooses */

/** The modules `load` brings in, by path, in a fresh registry. */
function modulesLoadedBy(load: () => void): string[] {
  let loaded: string[] = [];
  jest.isolateModules(() => {
    load();
    loaded = Object.keys(require.cache);
  });
  return loaded;
}

const DATABASE_LAYER = /[\\/]node_modules[\\/](typeorm|type-graphql|pg|pg-[^\\/]+)[\\/]/;
const databaseLayer = (paths: string[]): string[] => [...new Set(paths.filter((p) => DATABASE_LAYER.test(p)).map((p) => DATABASE_LAYER.exec(p)![1]))];

/** What a process holds globally that an import could change. */
function globalState() {
  return {
    globals: Reflect.ownKeys(globalThis).map(String).sort(),
    listeners: ['SIGINT', 'SIGTERM', 'exit', 'beforeExit', 'uncaughtException', 'unhandledRejection', 'warning', 'disconnect'].map((e) => `${e}:${process.listenerCount(e)}`),
    env: Object.keys(process.env).sort(),
    prepareStackTrace: Error.prepareStackTrace,
    stackTraceLimit: Error.stackTraceLimit,
  };
}

describe('the gateway', () => {
  it('loads neither TypeORM, type-graphql nor pg with its config and server modules', () => {
    const loaded = modulesLoadedBy(() => {
      require('@samverkan/gateway/src/config');
      require('@samverkan/gateway/src/server');
    });
    expect(loaded.length).toBeGreaterThan(0);
    expect(databaseLayer(loaded)).toEqual([]);
  });
});

describe('the conformance checker', () => {
  it('loads neither TypeORM, type-graphql nor pg', () => {
    const loaded = modulesLoadedBy(() => require('@samverkan/conformance'));
    expect(loaded.some((p) => p.includes('conformance'))).toBe(true);
    expect(databaseLayer(loaded)).toEqual([]);
  });
});

describe('@samverkan/contract', () => {
  it('loads nothing but its own files', () => {
    const loaded = modulesLoadedBy(() => require('@samverkan/contract'));
    expect(loaded.length).toBeGreaterThan(0);
    expect(loaded.filter((p) => !/[\\/]packages[\\/]contract[\\/]src[\\/]/.test(p))).toEqual([]);
  });
});

describe('importing a package', () => {
  it.each(['@samverkan/contract', '@samverkan/server-kit', '@samverkan/testing/graphql'])('%s changes no global state and loads no pg', (name) => {
    const before = globalState();
    const loaded = modulesLoadedBy(() => require(name));
    expect(globalState()).toEqual(before);
    // pg's type parsers are global: a package that does not load pg cannot change them.
    expect(databaseLayer(loaded)).toEqual([]);
  });

  it('notices a change of global state (the check above can fail)', () => {
    const before = globalState();
    const stop = (): void => undefined;
    process.once('SIGINT', stop);
    try {
      expect(globalState()).not.toEqual(before);
    } finally {
      process.off('SIGINT', stop);
    }
  });
});
