// The contract's identity and version, with no dependencies: the kommun subgraph announces it, the
// gateway and the checker read it.

/** The kommun contract's name: a member announces the version it implements with `@link(url: "<CONTRACT_URL>/v<major>.<minor>")` on its schema. */
export const CONTRACT_URL = 'https://samverkan.se/contract/kommun';

/**
 * The contract's version: minor for additions, major for changes that break members or clients
 * (2.0: create inputs require what a create must have). A member on an older version joins when
 * its schema accepts every request the gateway sends (see `contractFit`). schema/contract/ keeps each released version's SDL, and
 * schema/kommun.graphql is the latest (a test holds them to it).
 */
export const CONTRACT_VERSION = '2.0';

export const contractLink = (version: string = CONTRACT_VERSION): string => `${CONTRACT_URL}/v${version}`;

