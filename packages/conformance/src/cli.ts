import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { KOMMUNKOD } from '@samverkan/contract';
import { formatHuman, formatJUnit, runConformance } from './index';

const USAGE = `Usage: samverkan-check <subgraph url> [--token <editor token>] [--full] [--municipality <kommunkod>] [--junit <out.xml>] [--contract <kommun.graphql>]

Checks a kommun subgraph against the kommun contract: its schema (as the gateway does when it
joins), then its behaviour. Read-only unless --full is given with an editor token of the kommun;
full mode creates fixture projects through the API and deletes them at the end.
Exit code: 0 when every rule passes, 1 when any fails, 2 on wrong usage.`;

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        token: { type: 'string' },
        full: { type: 'boolean', default: false },
        municipality: { type: 'string' },
        junit: { type: 'string' },
        contract: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const url = positionals[0];
  if (positionals.length !== 1 || !/^https?:\/\//.test(url)) {
    console.error(`Give one subgraph URL (http:// or https://).\n\n${USAGE}`);
    return 2;
  }
  if (values.municipality !== undefined && !KOMMUNKOD.test(values.municipality)) {
    console.error('--municipality must be a 4-digit SCB kommunkod, e.g. 1480.');
    return 2;
  }
  const token = values.token ?? process.env.SAMVERKAN_TOKEN;
  const report = await runConformance({
    url,
    token,
    full: values.full,
    municipality: values.municipality,
    contractSdl: values.contract ? readFileSync(values.contract, 'utf8') : undefined,
  });
  console.log(formatHuman(report));
  if (values.junit) writeFileSync(values.junit, formatJUnit(report));
  return report.passed ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`The checker could not run: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
