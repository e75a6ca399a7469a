import { randomInt } from 'node:crypto';
import type { GraphQLSchema } from 'graphql';
import { errorCodes } from './client';
import { PROJECT_FIELDS, comparePositions, positionOf, sortProjects, type ProjectNode } from './model';
import { checkEntities, checkLists, difference } from './rules-read';
import { ROOT, walk, type Run } from './run';

const CREATE = `mutation Create($input: ProjectInput!) { createProject(input: $input) { ${PROJECT_FIELDS} } }`;
const UPDATE = `mutation Update($id: ID!, $input: ProjectUpdateInput!) { updateProject(id: $id, input: $input) { ${PROJECT_FIELDS} } }`;
const DELETE = 'mutation Delete($id: ID!) { deleteProject(id: $id) }';
const PROJECT = `query Project($id: ID!) { project(id: $id) { ${PROJECT_FIELDS} } }`;
const CHANGES = 'subscription Changes($m: [ID!]) { projectChanged(municipalities: $m) { kind projectId municipality { code } project { id title } } }';

/** A word no project has: every fixture carries it in its title, so a text filter finds exactly them. */
function tagWord(): string {
  const letters = 'bcdfghjklmnpqrstvwxz';
  return `konformans${Array.from({ length: 10 }, () => letters[randomInt(letters.length)]).join('')}`;
}

interface FixtureInput {
  title: string;
  status: string;
  startDate: string;
  endDate?: string | null;
  budget?: { total: number | null; euCofinancing: number | null } | null;
  funding?: Array<{ programme: string; fund: string; amount: number }>;
  developmentAreas?: string[];
  initiative?: string | null;
  summary?: string | null;
  department?: string | null;
}

/** The development areas and the joint initiative the fixtures name: codes of the region's catalogue, which a kommun may insist on. */
export interface FixtureCodes {
  areas: [string, string];
  initiative: string;
}

/**
 * Codes for the fixtures from the kommun's own projects (which it took, so its region knows
 * them), the most used first; invented ones where it has too few.
 */
export function fixtureCodes(all: ProjectNode[] | null): FixtureCodes {
  const used = <T>(values: T[]) => [...values.reduce((n, v) => n.set(v, (n.get(v) ?? 0) + 1), new Map<T, number>())].sort((x, y) => y[1] - x[1]).map(([v]) => v);
  const areas = used((all ?? []).flatMap((p) => p.developmentAreas.map((a) => a.code)));
  const initiatives = used((all ?? []).flatMap((p) => (p.initiative ? [p.initiative.id] : [])));
  return { areas: [areas[0] ?? 'conformance-area-a', areas[1] ?? 'conformance-area-b'], initiative: initiatives[0] ?? 'conformance-initiative' };
}

/**
 * Fixture projects with every tie the contract's orders must break: equal titles, start dates
 * and budgets, unrecorded budgets, titles that differ only in case or by a letter past ASCII.
 */
function fixtures(tag: string, codes: FixtureCodes): FixtureInput[] {
  const Tag = tag[0].toUpperCase() + tag.slice(1);
  const [a, b] = codes.areas;
  const p1 = { programme: 'CONFORMANCE-1', fund: 'ESF' };
  const p2 = { programme: 'CONFORMANCE-2', fund: 'INTERREG' };
  return [
    { title: `${Tag} Alfa`, status: 'ONGOING', startDate: '2031-03-01', endDate: '2032-12-31', budget: { total: 1000, euCofinancing: 500 }, funding: [{ ...p1, amount: 300 }], developmentAreas: [a], initiative: codes.initiative, department: 'Internationella kontoret' },
    { title: `${Tag} Alfa`, status: 'PLANNED', startDate: '2031-03-01', budget: null, developmentAreas: [] },
    { title: `${Tag} Beta`, status: 'COMPLETED', startDate: '2030-06-15', endDate: '2031-01-31', budget: { total: 1000, euCofinancing: null }, funding: [{ ...p1, amount: 100 }, { ...p2, amount: 50 }], developmentAreas: [a, b] },
    { title: `${Tag} beta`, status: 'ONGOING', startDate: '2031-03-01', budget: { total: 0, euCofinancing: 0 }, developmentAreas: [b], summary: 'Samarbete kring vatten och klimat.' },
    { title: `${Tag} Gamma`, status: 'CANCELLED', startDate: '2029-01-01', endDate: '2029-12-31', budget: { total: 250.5, euCofinancing: 100.25 }, funding: [{ ...p2, amount: 250.5 }], initiative: codes.initiative },
    { title: `${Tag} Äpple`, status: 'ONGOING', startDate: '2030-06-15', budget: { total: 1000, euCofinancing: 500 }, funding: [{ ...p1, amount: 1000 }], developmentAreas: [a] },
    { title: `${Tag} Zeta`, status: 'PLANNED', startDate: '2033-01-01', budget: { total: null, euCofinancing: null }, department: 'Klimat och vatten' },
    { title: `${Tag} Alfa`, status: 'ONGOING', startDate: '2029-01-01', endDate: '2031-03-01', budget: { total: 250.5, euCofinancing: 0 }, funding: [{ ...p2, amount: 10 }, { ...p2, amount: 5 }] },
  ];
}

export interface FullOptions {
  contract: GraphQLSchema;
  municipality: string;
  codes: FixtureCodes;
}

/**
 * Full mode: the checker writes its own fixture projects through the API, checks every list rule
 * over them (where the ties are known to be there), writes and their events, and cursors under
 * inserts and deletes between pages. Every project it created is deleted at the end, also when a
 * check fails.
 */
export async function checkWrites(run: Run, options: FullOptions): Promise<void> {
  const code = options.municipality;
  const tag = tagWord();
  const live = new Map<string, ProjectNode>();
  const create = async (rule: string, input: FixtureInput): Promise<ProjectNode> => {
    const x = await run.endpoint.post(CREATE, { input: { ...input, municipality: code } }, true);
    const node = run.data(rule, x).createProject as ProjectNode;
    live.set(node.id, node);
    const problems = createdProblems(node, input, code);
    if (problems.length) run.fail('writes.create-read', `createProject answered ${node.id} with ${problems.join('; ')}`, x);
    return node;
  };
  const remove = async (rule: string, id: string): Promise<void> => {
    const x = await run.endpoint.post(DELETE, { id }, true);
    const answered = run.data(rule, x).deleteProject;
    live.delete(id);
    if (answered !== id) run.fail('writes.delete', `deleteProject(${id}) answered ${JSON.stringify(answered)}, expected the id`, x);
  };
  try {
    await run.check('writes.need-token', async () => {
      const x = await run.endpoint.post(CREATE, { input: { ...fixtures(tag, options.codes)[0], title: `${tag}refused`, municipality: code } }, false);
      const codes = errorCodes(x.answer);
      const created = (x.answer.data as { createProject?: ProjectNode } | null)?.createProject;
      if (created) live.set(created.id, created);
      if (!codes.includes('UNAUTHENTICATED') && !codes.includes('FORBIDDEN')) run.fail('writes.need-token', `a write without a token answered ${codes.join(', ') || 'no error'}, expected UNAUTHENTICATED`, x);
    });
    await run.check('writes.bad-input', async () => {
      for (const input of [
        { status: 'ONGOING', startDate: '2031-01-01', summary: `${tag}rejected` },
        { title: `${tag}rejected`, status: 'ONGOING', startDate: '2031-01-01', endDate: '2030-01-01' },
        { title: `${tag}rejected`, status: 'ONGOING', startDate: '2031-01-01', budget: { total: 10, euCofinancing: 20 } },
      ]) {
        const x = await run.endpoint.post(CREATE, { input: { ...input, municipality: code } }, true);
        const created = (x.answer.data as { createProject?: ProjectNode } | null)?.createProject;
        if (created) live.set(created.id, created);
        if (!errorCodes(x.answer).includes('BAD_USER_INPUT')) run.fail('writes.bad-input', `an invalid project answered ${errorCodes(x.answer).join(', ') || 'no error'}, expected BAD_USER_INPUT`, x);
      }
      const check = await run.endpoint.post(ROOT.query, { filter: { text: `${tag}rejected` }, first: 1 });
      const total = ROOT.connection(run.data('writes.bad-input', check))?.totalCount;
      if (total !== 0) run.fail('writes.bad-input', `refused writes left ${total} projects behind`, check);
    });

    await run.check('writes.create-read', async () => {
      for (const input of fixtures(tag, options.codes)) await create('writes.create-read', input);
      for (const node of [...live.values()].slice(0, 3)) {
        const x = await run.endpoint.post(PROJECT, { id: node.id });
        const read = run.data('writes.create-read', x).project;
        if (JSON.stringify(read) !== JSON.stringify(node)) run.fail('writes.create-read', `project(${node.id}) reads ${JSON.stringify(read)}, but createProject answered ${JSON.stringify(node)}`, x);
      }
    });
    if (live.size < fixtures(tag, options.codes).length) return;

    // Every list rule again, over the fixtures: their ties are known to be there.
    const facts = await checkLists(run, { contract: options.contract, codes: [code], baseFilter: { text: tag } });
    await checkEntities(run, { all: facts.all, codes: [code] }, { fixturesOnly: true, filter: { text: tag } });

    await run.check('writes.update', async () => {
      const target = [...live.values()][1];
      const x = await run.endpoint.post(UPDATE, { id: target.id, input: { title: `${target.title} Uppdaterad`, status: 'ONGOING' } }, true);
      const node = run.data('writes.update', x).updateProject as ProjectNode;
      if (node.title !== `${target.title} Uppdaterad` || node.status !== 'ONGOING' || node.startDate !== target.startDate) {
        run.fail('writes.update', `updateProject answered title ${JSON.stringify(node.title)}, status ${node.status}, startDate ${node.startDate}; expected the new title and status and the start date unchanged`, x);
      }
      live.set(node.id, node);
    });

    await checkStableCursors(run, code, tag, live, create, remove);
    await checkEvents(run, code, tag, live, create, remove);

    await run.check('writes.delete', async () => {
      const target = [...live.values()][0];
      await remove('writes.delete', target.id);
      const x = await run.endpoint.post(PROJECT, { id: target.id });
      if (run.data('writes.delete', x).project !== null) run.fail('writes.delete', `project(${target.id}) still answers after deleteProject`, x);
      const again = await run.endpoint.post(DELETE, { id: target.id }, true);
      if (!again.answer.errors?.length) run.fail('writes.delete', `deleting ${target.id} a second time answered no error`, again);
    });
  } finally {
    await run.check('writes.cleanup', async () => {
      for (const id of [...live.keys()]) {
        const x = await run.endpoint.post(DELETE, { id }, true);
        if (x.answer.errors?.length) run.fail('writes.cleanup', `could not delete fixture project ${id}`, x);
        live.delete(id);
      }
    });
  }
}

function createdProblems(node: ProjectNode, input: FixtureInput, code: string): string[] {
  const problems: string[] = [];
  const eq = (what: string, got: unknown, want: unknown) => {
    if (JSON.stringify(got) !== JSON.stringify(want)) problems.push(`${what} ${JSON.stringify(got)} (sent ${JSON.stringify(want)})`);
  };
  eq('title', node.title, input.title);
  eq('status', node.status, input.status);
  eq('startDate', node.startDate, input.startDate);
  eq('endDate', node.endDate, input.endDate ?? null);
  eq('budget', node.budget, { total: input.budget?.total ?? null, euCofinancing: input.budget?.euCofinancing ?? null });
  eq('municipality', node.municipality.code, code);
  eq('developmentAreas', node.developmentAreas.map((a) => a.code), input.developmentAreas ?? []);
  eq('funding', node.funding.map((l) => [l.programme.code, l.fund, l.amount]), (input.funding ?? []).map((l) => [l.programme, l.fund, l.amount]));
  eq('initiative', node.initiative?.id ?? null, input.initiative ?? null);
  if (!node.id.startsWith(`${code}:project:`)) problems.push(`id ${node.id}, not ${code}:project:<n>`);
  return problems;
}

/**
 * Cursors are positions, not offsets: a walk in START_DATE ASC continues exactly after the last
 * project it saw while projects are inserted before and after that position, an unseen one is
 * deleted, and the project the cursor sits on is deleted.
 */
async function checkStableCursors(
  run: Run,
  code: string,
  tag: string,
  live: Map<string, ProjectNode>,
  create: (rule: string, input: FixtureInput) => Promise<ProjectNode>,
  remove: (rule: string, id: string) => Promise<void>,
): Promise<void> {
  const id = 'paging.stable-under-writes';
  await run.check(id, async () => {
    const order = { field: 'START_DATE' as const, direction: 'ASC' as const };
    const first = 2;
    const base = { text: tag };
    let after: string | undefined;
    let cursorAt: ProjectNode | null = null;
    const writes: Array<(remaining: ProjectNode[]) => Promise<string>> = [
      async () => {
        const p = await create(id, { title: `${tag} Tidig`, status: 'PLANNED', startDate: '2000-01-01' });
        return `inserted ${p.id} before the cursor`;
      },
      async (remaining) => {
        const p = await create(id, { title: `${tag} Sen`, status: 'PLANNED', startDate: '2099-12-31' });
        await remove(id, remaining[0].id);
        return `inserted ${p.id} after every project and deleted ${remaining[0].id}, the next one`;
      },
      async () => {
        await remove(id, cursorAt!.id);
        return `deleted ${cursorAt!.id}, the project the cursor sits on`;
      },
    ];
    let what = 'no write yet';
    for (let page = 0; page < 20; page++) {
      const expected = sortProjects([...live.values()], order.field, order.direction).filter(
        (p) => !cursorAt || comparePositions(positionOf(p, order.field), positionOf(cursorAt, order.field), order.direction) > 0,
      );
      const w = await walk(run, id, ROOT, { filter: base, order, first, after, pages: 1 });
      const exchange = w.pages[0];
      const got = w.edges.slice(0, first);
      const want = expected.slice(0, first).map((p) => p.id);
      if (got.map((e) => e.node.id).join() !== want.join()) {
        run.fail(id, `page ${page + 1} after ${what}: ${difference(got.map((e) => e.node.id), want)}`, exchange);
        return;
      }
      if (got.length < first || expected.length === first) break;
      after = got[got.length - 1].cursor;
      cursorAt = got[got.length - 1].node;
      const write = writes.shift();
      if (write) what = await write(expected.slice(first));
    }
    if (writes.length) run.fail(id, `the walk ended before every write was made (${writes.length} left); the fixtures were too few`);
  });
  void code;
}

/** A write causes a projectChanged event over graphql-ws, of the right kind, for the right project. */
async function checkEvents(
  run: Run,
  code: string,
  tag: string,
  live: Map<string, ProjectNode>,
  create: (rule: string, input: FixtureInput) => Promise<ProjectNode>,
  remove: (rule: string, id: string) => Promise<void>,
): Promise<void> {
  const id = 'writes.event';
  await run.check(id, async () => {
    const client = run.endpoint.socket();
    const events: Array<{ kind: string; projectId: string; municipality: { code: string }; project: { id: string; title: string } | null }> = [];
    const problems: string[] = [];
    const stop = client.subscribe(
      { query: CHANGES, variables: { m: [code] } },
      {
        next: (v) => {
          if (v.errors?.length) problems.push(v.errors.map((e) => e.message).join('; '));
          else events.push((v.data as { projectChanged: (typeof events)[number] }).projectChanged);
        },
        error: (e) => problems.push(e instanceof Error ? e.message : JSON.stringify(e)),
        complete: () => undefined,
      },
    );
    const waitFor = async (what: string, match: (e: (typeof events)[number]) => boolean, touch?: () => Promise<void>) => {
      const until = Date.now() + 10_000;
      while (Date.now() < until && !problems.length) {
        const found = events.find(match);
        if (found) return found;
        if (touch) await touch();
        await new Promise((r) => setTimeout(r, touch ? 300 : 50));
      }
      run.fail(id, `no ${what} event within 10 s${problems.length ? `: ${problems.join('; ')}` : ''} (events seen: ${JSON.stringify(events.slice(0, 5))})`, {
        query: CHANGES,
        variables: { m: [code] },
        status: 0,
        answer: { data: { events } },
      });
      return null;
    };
    try {
      const target = [...live.values()][0];
      let n = 0;
      // The subscription is live once an update shows up: repeat the update until it does.
      const updated = await waitFor(`UPDATED for ${target.id}`, (e) => e.kind === 'UPDATED' && e.projectId === target.id, async () => {
        const x = await run.endpoint.post(UPDATE, { id: target.id, input: { summary: `Händelse ${++n}` } }, true);
        run.data(id, x);
      });
      if (!updated) return;
      if (updated.municipality.code !== code || updated.project?.id !== target.id) run.fail(id, `the UPDATED event names kommun ${updated.municipality.code} and project ${JSON.stringify(updated.project)}`);
      const created = await create(id, { title: `${tag} Händelse`, status: 'PLANNED', startDate: '2031-05-05' });
      const c = await waitFor(`CREATED for ${created.id}`, (e) => e.kind === 'CREATED' && e.projectId === created.id);
      if (c && c.project?.title !== created.title) run.fail(id, `the CREATED event carries project ${JSON.stringify(c.project)}, expected title ${created.title}`);
      await remove(id, created.id);
      const d = await waitFor(`DELETED for ${created.id}`, (e) => e.kind === 'DELETED' && e.projectId === created.id);
      if (d && d.project !== null) run.fail(id, `the DELETED event carries project ${JSON.stringify(d.project)}, expected null`);
    } finally {
      stop();
      await client.dispose();
    }
  });
}
