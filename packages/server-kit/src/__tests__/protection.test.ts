import { readConfig } from '../config';
import { parse } from 'graphql';
import { fieldSuggestions, inputProblem, MAX_VARIABLE_DEPTH, suggestionEnv, variablesProblem, withoutSuggestions } from '../protection';

/** Nests `inner` in `depth` objects (built in a loop: the test's own recursion must not be the limit). */
function nest(depth: number, inner: unknown = 1): unknown {
  let v = inner;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

describe('variablesProblem', () => {
  it(`passes variables nested ${MAX_VARIABLE_DEPTH} levels, refuses one more, naming the variable`, () => {
    expect(variablesProblem({ x: nest(MAX_VARIABLE_DEPTH) })).toBeNull();
    const refused = variablesProblem({ ok: 1, x: nest(MAX_VARIABLE_DEPTH + 1) });
    expect(refused?.message).toBe(`Invalid input: $x nests deeper than ${MAX_VARIABLE_DEPTH} levels of objects and lists.`);
    expect(refused?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', http: { status: 400 } });
  });

  it('walks any depth without recursion', () => {
    expect(variablesProblem({ x: nest(200_000) })?.extensions.code).toBe('BAD_USER_INPUT');
  });

  it('refuses NUL in a string or a key anywhere, and nothing that only looks like one', () => {
    expect(variablesProblem({ i: { partners: [{ name: 'a\u0000b' }] } })?.message).toMatch(/NUL character/);
    expect(variablesProblem({ i: { 'a\u0000': 1 } })?.message).toMatch(/NUL character/);
    expect(variablesProblem({ t: 'a backslash and u0000: \\u0000' })).toBeNull();
    expect(variablesProblem(undefined)).toBeNull();
  });
});

describe('inputProblem', () => {
  it('refuses NUL in a string of the query text, raw or escaped, and checks the variables too', () => {
    expect(inputProblem(parse('{ projects(filter: { text: "a\\u0000b" }) { totalCount } }'), {})?.message).toMatch(/NUL character/);
    expect(inputProblem(parse('{ projects(filter: { text: """a\u0000b""" }) { totalCount } }'), {})?.message).toMatch(/NUL character/);
    expect(inputProblem(parse('query($t: String) { projects(filter: { text: $t }) { totalCount } }'), { t: 'a\u0000' })?.message).toMatch(/NUL character/);
    expect(inputProblem(parse('{ projects(filter: { text: "a\\\\u0000b" }) { totalCount } }'), {})).toBeNull();
  });
});

describe('field suggestions', () => {
  const on = (env: Record<string, string>) => fieldSuggestions(readConfig(suggestionEnv, env));

  it('are off unless FIELD_SUGGESTIONS says so, or NODE_ENV is development', () => {
    expect(on({})).toBe(false);
    expect(on({ NODE_ENV: 'production' })).toBe(false);
    expect(on({ NODE_ENV: 'development' })).toBe(true);
    expect(on({ NODE_ENV: 'development', FIELD_SUGGESTIONS: 'false' })).toBe(false);
    expect(on({ FIELD_SUGGESTIONS: 'true' })).toBe(true);
    expect(() => on({ FIELD_SUGGESTIONS: 'maybe' })).toThrow(/FIELD_SUGGESTIONS: must be true or false/);
  });

  it('come out of every message graphql-js words them in', () => {
    expect(withoutSuggestions('Cannot query field "regio" on type "Query". Did you mean "region"?')).toBe('Cannot query field "regio" on type "Query".');
    expect(withoutSuggestions('Unknown argument "frist" on field "Query.projects". Did you mean "first" or "filter"?')).toBe('Unknown argument "frist" on field "Query.projects".');
    expect(withoutSuggestions('Unknown type "Projet". Did you mean "Project", "ProjectInput", or "ProjectOrder"?')).toBe('Unknown type "Projet".');
    expect(withoutSuggestions('Value "ONGOIN" does not exist in "ProjectStatus" enum. Did you mean the enum value "ONGOING"?')).toBe('Value "ONGOIN" does not exist in "ProjectStatus" enum.');
    expect(withoutSuggestions('Cannot query field "title" on type "Node". Did you mean to use an inline fragment on "Project"?')).toBe('Cannot query field "title" on type "Node".');
    expect(withoutSuggestions('Syntax Error: Unexpected "}".')).toBe('Syntax Error: Unexpected "}".');
  });
});
