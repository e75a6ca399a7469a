import { MAX_VARIABLE_DEPTH, variablesProblem } from '../protection';

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
