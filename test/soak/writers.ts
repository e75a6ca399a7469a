import { errorCodes, post, type Answer } from './http';
import { sleep, type Random } from './random';

/**
 * Writers: each loop creates, renames and deletes projects in random kommuner, through the
 * gateway or straight to the kommun's own subgraph, about one write in ten deliberately invalid.
 * Every write is logged with what came back, classified as
 *  - acknowledged: data and no errors: it committed;
 *  - refused: a GraphQL error with a definitive code: it did not commit;
 *  - indeterminate: no answer, a 5xx, or an error that does not say (MUNICIPALITY_UNAVAILABLE,
 *    REQUEST_TIMEOUT, an internal error): it may or may not have committed.
 * A writer owns the projects it created and is their only writer, so the writes to one project
 * are in a known order; after an indeterminate write to a project it leaves that project alone,
 * so the checks know which titles it may hold.
 */

export type Op = 'create' | 'update' | 'delete';
export type Outcome = 'acknowledged' | 'refused' | 'indeterminate';

export interface WriteRecord {
  /** Global sequence number; the title a create or update sets is `soak-<runid>-<n>`. */
  n: number;
  writer: number;
  via: 'gateway' | 'direct';
  op: Op;
  code: string;
  /** The project written (a create's only once acknowledged). */
  projectId?: string;
  /** The title a create or update sets. */
  title?: string;
  /** Why the write is invalid, when it deliberately is. */
  invalid?: string;
  outcome: Outcome;
  /** Error codes, the HTTP status or the failure, for the report. */
  detail: string;
  startedAt: number;
  endedAt: number;
}

/** Codes that say the write did not happen. */
const DEFINITIVE = new Set([
  'BAD_USER_INPUT',
  'FORBIDDEN',
  'NOT_FOUND',
  'UNAUTHENTICATED',
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'BAD_REQUEST',
  'MUNICIPALITY_UNKNOWN',
  'CONFLICT',
]);

export function classify(answer: Answer, field: string): { outcome: Outcome; detail: string; data?: any } {
  if (answer.kind === 'failure') return { outcome: 'indeterminate', detail: answer.reason };
  const codes = errorCodes(answer.body);
  if (answer.status >= 500) return { outcome: 'indeterminate', detail: `HTTP ${answer.status}${codes.length ? ` ${codes.join(',')}` : ''}` };
  if (codes.length) {
    const definitive = codes.every((c) => DEFINITIVE.has(c));
    return { outcome: definitive ? 'refused' : 'indeterminate', detail: [...new Set(codes)].join(',') };
  }
  const data = answer.body?.data?.[field];
  if (data === undefined || data === null) return { outcome: 'indeterminate', detail: `HTTP ${answer.status}, no data and no errors` };
  return { outcome: 'acknowledged', detail: `HTTP ${answer.status}`, data };
}

interface Owned {
  code: string;
  /** An indeterminate write reached it: left alone from then on. */
  tainted: boolean;
}

export interface WriterOptions {
  index: number;
  via: 'gateway' | 'direct';
  gatewayUrl: string;
  kommuner: Map<string, string>;
  runId: string;
  /** The next global write number. */
  nextNumber: () => number;
  tokenFor: (code: string) => Promise<string>;
  /** Mean pause between two writes of this writer. */
  intervalMs: number;
  until: number;
  timeoutMs: number;
  random: Random;
  log: WriteRecord[];
}

const CREATE = `mutation SoakCreate($i: ProjectInput!) { createProject(input: $i) { id title } }`;
const UPDATE = `mutation SoakUpdate($id: ID!, $i: ProjectUpdateInput!) { updateProject(id: $id, input: $i) { id title } }`;
const DELETE = `mutation SoakDelete($id: ID!) { deleteProject(id: $id) }`;

export async function runWriter(o: WriterOptions): Promise<void> {
  const owned = new Map<string, Owned>();
  const codes = [...o.kommuner.keys()];
  const r = o.random;
  await sleep(r.int(o.intervalMs));
  while (Date.now() < o.until) {
    const live = [...owned].filter(([, p]) => !p.tainted);
    const roll = r.next();
    const n = o.nextNumber();
    const title = `soak-${o.runId}-${n}`;
    let write: { op: Op; code: string; projectId?: string; title?: string; invalid?: string; query: string; variables: Record<string, unknown> };
    if (roll < 0.1) {
      // Deliberately invalid: must be refused and change nothing.
      const target = live.length && r.chance(0.5) ? r.pick(live) : undefined;
      if (target) {
        const [id, p] = target;
        write = r.chance(0.5)
          ? { op: 'update', code: p.code, projectId: id, title, invalid: 'update: endDate before startDate, with a new title', query: UPDATE, variables: { id, i: { title, endDate: '2025-01-01' } } }
          : { op: 'update', code: p.code, projectId: id, title: `${title}-${'x'.repeat(300)}`, invalid: 'update: title longer than 300 characters', query: UPDATE, variables: { id, i: { title: `${title}-${'x'.repeat(300)}` } } };
      } else {
        const code = r.pick(codes);
        write = r.chance(0.5)
          ? { op: 'create', code, title, invalid: 'create: endDate before startDate', query: CREATE, variables: { i: projectInput(code, title, r, { startDate: '2026-06-01', endDate: '2026-01-15' }) } }
          : { op: 'create', code, title: `${title}-${'x'.repeat(300)}`, invalid: 'create: title longer than 300 characters', query: CREATE, variables: { i: projectInput(code, `${title}-${'x'.repeat(300)}`, r) } };
      }
    } else if (roll < 0.5 || live.length < 3) {
      const code = r.pick(codes);
      write = { op: 'create', code, title, query: CREATE, variables: { i: projectInput(code, title, r) } };
    } else if (roll < 0.85) {
      const [id, p] = r.pick(live);
      write = { op: 'update', code: p.code, projectId: id, title, query: UPDATE, variables: { id, i: { title } } };
    } else {
      const [id, p] = r.pick(live);
      write = { op: 'delete', code: p.code, projectId: id, query: DELETE, variables: { id } };
    }

    const url = o.via === 'gateway' ? o.gatewayUrl : o.kommuner.get(write.code)!;
    const startedAt = Date.now();
    const answer = await post(url, write.query, write.variables, { authorization: `Bearer ${await o.tokenFor(write.code)}` }, o.timeoutMs);
    const field = write.op === 'create' ? 'createProject' : write.op === 'update' ? 'updateProject' : 'deleteProject';
    const { outcome, detail, data } = classify(answer, field);
    const record: WriteRecord = {
      n,
      writer: o.index,
      via: o.via,
      op: write.op,
      code: write.code,
      projectId: write.projectId ?? (write.op === 'create' && outcome === 'acknowledged' ? String(data.id) : undefined),
      title: write.title,
      invalid: write.invalid,
      outcome,
      detail,
      startedAt,
      endedAt: Date.now(),
    };
    o.log.push(record);

    if (record.op === 'create' && outcome === 'acknowledged') owned.set(record.projectId!, { code: write.code, tainted: false });
    if (record.projectId && record.op !== 'create') {
      const p = owned.get(record.projectId)!;
      if (outcome === 'indeterminate') p.tainted = true;
      if (record.op === 'delete' && outcome === 'acknowledged') owned.delete(record.projectId);
    }
    // Paced: about intervalMs apart on average, whatever the write took.
    const wait = o.intervalMs * (0.5 + r.next()) - (Date.now() - startedAt);
    if (wait > 0) await sleep(Math.min(wait, Math.max(0, o.until - Date.now())));
  }
}

function projectInput(code: string, title: string, r: Random, dates: { startDate: string; endDate?: string } = { startDate: '2026-01-01', endDate: '2027-12-31' }) {
  return {
    municipality: code,
    title,
    status: r.pick(['PLANNED', 'ONGOING']),
    ...dates,
    budget: { total: 100_000 * r.between(1, 50) },
    developmentAreas: ['EU-FUNDS'],
  };
}
