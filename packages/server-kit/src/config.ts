import { z } from 'zod';

/** Thrown when the environment does not describe a valid configuration. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads a typed configuration from environment variables. Each key of `shape` is the variable's
 * name; a wrong value stops the start with a message that names the variable and says what it
 * should be.
 */
export function readConfig<S extends z.ZodRawShape>(
  shape: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<S>> {
  const values: Record<string, unknown> = {};
  for (const key of Object.keys(shape)) {
    const raw = env[key];
    values[key] = raw === undefined || raw === '' ? undefined : raw;
  }
  const parsed = z.object(shape).safeParse(values);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? '?');
        const given = values[name];
        return `${name}: ${issue.message}${given === undefined ? ' (not set)' : ` (got ${JSON.stringify(given)})`}`;
      }),
    );
  }
  return parsed.data;
}

/** Common field shapes for configuration. */
export const env = {
  port: (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback),
  /** A 4-digit SCB kommunkod. */
  kommunkod: () => z.string().regex(/^\d{4}$/, 'must be a 4-digit SCB kommunkod such as 1480'),
  /** Comma-separated list of 4-digit kommunkoder, at least one. */
  kommunkoder: () =>
    z
      .string()
      .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
      .pipe(z.array(z.string().regex(/^\d{4}$/, 'each entry must be a 4-digit SCB kommunkod such as 1480')).min(1)),
  postgresUrl: () =>
    z.string().regex(/^postgres(ql)?:\/\//, 'must be a PostgreSQL connection URL (postgres://user@host:port/db)'),
  bool: (fallback: boolean) => env.optionalBool().transform((v) => v ?? fallback),
  /** true or false, or undefined when not set: for a default that depends on another variable. */
  optionalBool: () =>
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
      .optional()
      .transform((v) => (v === undefined ? undefined : v === 'true' || v === '1' || v === 'yes')),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};
