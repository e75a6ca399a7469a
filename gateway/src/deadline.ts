/**
 * A request's deadline: set when the request starts, passed down to every fetch the request
 * makes (root fetches, entity fetches, the second ask that completes a page, the follow-up
 * fetches of nested entities, a subscription event's query), each of which draws from it.
 */
export interface Deadline {
  /** When the request's fetches must be done, in ms since the epoch (as Date.now()). */
  readonly at: number;
  /** Milliseconds left before `at`; zero or less once it has passed. */
  left(): number;
}

/**
 * The share of REQUEST_TIMEOUT_MS that a request's fetches may use. The rest (10 %) is the margin
 * in which the gateway shapes and sends what arrived, so the answer comes by REQUEST_TIMEOUT_MS.
 */
export const DEADLINE_SHARE = 0.9;

/** The deadline of a request that starts now (or at `start`) and must be answered within `requestTimeoutMs`. */
export function requestDeadline(requestTimeoutMs: number, start = Date.now()): Deadline {
  const at = start + Math.floor(requestTimeoutMs * DEADLINE_SHARE);
  return { at, left: () => at - Date.now() };
}

/** Why a fetch was given up: the shard timeout, or the request's deadline. */
export const LATE = "did not answer by the request's deadline";

/**
 * How long one fetch may wait: SHARD_TIMEOUT_MS, or half the time left before the deadline when
 * that is less. The other half is kept for the stages that come after it (a kommun that hangs in
 * the first fetch must not leave the others' entity fetches no time at all); the last stage
 * simply answers early. Zero when the deadline has passed: nothing more is asked.
 */
export function fetchBudget(shardTimeoutMs: number, deadline?: Deadline): { ms: number; reason: string } {
  const within = { ms: shardTimeoutMs, reason: `did not answer within ${shardTimeoutMs} ms` };
  if (!deadline) return within;
  const left = deadline.left();
  if (left <= 0) return { ms: 0, reason: LATE };
  const share = Math.max(1, Math.floor(left / 2));
  return share < shardTimeoutMs ? { ms: share, reason: LATE } : within;
}

/**
 * How long a write may wait: until the request's deadline, not SHARD_TIMEOUT_MS. A write given up
 * early may still be made by its kommun after the gateway has said it failed; a large one (an
 * import of thousands of projects) takes seconds. Without a deadline, SHARD_TIMEOUT_MS.
 */
export function writeBudget(shardTimeoutMs: number, deadline?: Deadline): { ms: number; reason: string } {
  if (!deadline) return { ms: shardTimeoutMs, reason: `did not answer within ${shardTimeoutMs} ms` };
  return { ms: Math.max(0, deadline.left()), reason: `${LATE}; the write may still have been made there` };
}

/**
 * The header in which the gateway tells a shard how many milliseconds it will wait for its answer.
 * A kommun ignores it; a gateway that is a member of a hub above (see member.ts) makes it its own
 * request's deadline, so that a kommun late inside it is named while the rest of its answer arrives
 * in time: one deadline through both levels.
 */
export const BUDGET_HEADER = 'x-samverkan-wait-ms';

/**
 * The deadline of a request to a member face: REQUEST_TIMEOUT_MS, or less when the caller says it
 * waits less (BUDGET_HEADER, a whole number of milliseconds; anything else is ignored).
 */
export function memberDeadline(budget: string | undefined, requestTimeoutMs: number, start = Date.now()): Deadline {
  const waits = budget && /^\d{1,9}$/.test(budget) ? Number(budget) : Infinity;
  return requestDeadline(Math.max(1, Math.min(waits, requestTimeoutMs)), start);
}
