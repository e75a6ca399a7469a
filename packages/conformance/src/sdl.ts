import { ChangeType, CriticalityLevel, diff } from '@graphql-inspector/core';
import { findBreakingChanges, Kind, parse, type GraphQLSchema } from 'graphql';
import { CONTRACT_URL, CONTRACT_VERSION } from './version';

export { CONTRACT_URL, CONTRACT_VERSION, contractLink } from './version';
import { buildSubgraphSchema } from '@apollo/subgraph';

/** Builds a subgraph schema from SDL as `_service { sdl }` gives it. */
export function buildContract(sdl: string): GraphQLSchema {
  return buildSubgraphSchema(parse(sdl));
}

/**
 * What keeps a member's schema from implementing the contract: every type, field and argument
 * of the contract must be there with a compatible type. More is allowed. This is the check the
 * gateway makes before a member joins, and the first rule of the conformance checker.
 */
export function contractProblems(contract: GraphQLSchema, memberSdl: string): string[] {
  try {
    return findBreakingChanges(contract, buildContract(memberSdl)).map((c) => c.description);
  } catch (err) {
    return [`its schema does not build: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`];
  }
}

/** The contract version a member's SDL announces (its `@link` to CONTRACT_URL), or null when it announces none. */
export function announcedVersion(sdl: string): string | null {
  let document;
  try {
    document = parse(sdl);
  } catch {
    return null;
  }
  for (const d of document.definitions) {
    if (d.kind !== Kind.SCHEMA_DEFINITION && d.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const directive of d.directives ?? []) {
      if (directive.name.value !== 'link') continue;
      const url = directive.arguments?.find((a) => a.name.value === 'url')?.value;
      const m = url?.kind === Kind.STRING ? new RegExp(`^${CONTRACT_URL.replace(/[.]/g, '\\.')}/v(\\d+\\.\\d+)$`).exec(url.value) : null;
      if (m) return m[1];
    }
  }
  return null;
}

/** How a member's schema fits the contract. */
export interface ContractFit {
  /** What keeps it out: something of another shape than the contract's, or more than its announced version lacks. */
  problems: string[];
  /** The contract's coordinates it does not have (types, fields, arguments, enum values): it is asked nothing that uses them. */
  lacks: string[];
  /** The version it announces; null: none, and it is held to the whole contract. */
  version: string | null;
}

/** Changes from the contract to a member that mean the member has less: an older contract version. */
const LACKING = new Set<string>([ChangeType.TypeRemoved, ChangeType.FieldRemoved, ChangeType.FieldArgumentRemoved, ChangeType.EnumValueRemoved, ChangeType.UnionMemberRemoved, ChangeType.InputFieldRemoved]);

/**
 * How a member's schema fits the contract, by @graphql-inspector/core's diff from the contract to
 * the member: the direction in which the gateway's requests and the member's answers travel. A
 * change that would break the contract's clients (the gateway) is a problem: a field the member
 * answers in another shape, an argument or input field it requires that the contract leaves
 * optional, a value it would refuse. Whatever else differs does not keep it out, whatever version it
 * announces: a member on an older version, even an older major, whose schema accepts every request
 * the gateway sends under the current contract joins (a 1.x member's ProjectInput with title
 * optional accepts a 2.0 create, which always has one). What it lacks (types, fields, arguments,
 * enum values, input fields added since its announced version) is listed in `lacks`, and it is asked
 * nothing that uses them. A member that announces the current version (or none) must have
 * everything; one announcing a version newer than the gateway's is refused.
 */
export async function contractFit(contract: GraphQLSchema, memberSdl: string): Promise<ContractFit> {
  let member: GraphQLSchema;
  try {
    member = buildContract(memberSdl);
  } catch (err) {
    return { problems: [`its schema does not build: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`], lacks: [], version: null };
  }
  const version = announcedVersion(memberSdl);
  const [major, minor] = CONTRACT_VERSION.split('.').map(Number);
  const [vMajor, vMinor] = (version ?? CONTRACT_VERSION).split('.').map(Number);
  const older = vMajor < major || (vMajor === major && vMinor < minor);
  const problems: string[] = [];
  if (vMajor > major || (vMajor === major && vMinor > minor)) {
    problems.push(`it announces contract version ${version}, newer than the ${CONTRACT_VERSION} this gateway serves`);
  }
  const lacks: string[] = [];
  for (const change of await diff(contract, member)) {
    if (change.criticality.level !== CriticalityLevel.Breaking) continue;
    // Directive definitions (the federation directives a subgraph imports) are no part of what
    // the contract's clients read: a member importing only @key is as good as one importing all.
    if (change.type.startsWith('DIRECTIVE_') && !change.type.startsWith('DIRECTIVE_USAGE')) continue;
    if (older && LACKING.has(change.type) && change.path) lacks.push(change.path);
    else if (LACKING.has(change.type)) problems.push(`${change.message} (it announces ${version ? `version ${version}` : 'no version'}, so it must have all of version ${CONTRACT_VERSION})`);
    else problems.push(`${change.message}: it would refuse or misanswer what the gateway sends under contract ${CONTRACT_VERSION}`);
  }
  return { problems, lacks: lacks.sort(), version };
}
