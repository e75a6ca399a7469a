import { readFileSync } from 'node:fs';
interface Frame { functionName: string; url: string; lineNumber: number }
interface Node { id: number; callFrame: Frame; children?: number[] }
const p = JSON.parse(readFileSync(process.argv[2], 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const filter = new RegExp(process.argv[3] ?? 'work/main');
const incl = new Map<string, number>();
let total = 0;
for (let i = 0; i < p.samples.length; i++) {
  const dt = p.timeDeltas[i] ?? 0;
  let id: number | undefined = p.samples[i];
  if (byId.get(id)!.callFrame.functionName === '(idle)') continue;
  total += dt;
  const seen = new Set<string>();
  while (id !== undefined) {
    const f = byId.get(id)!.callFrame;
    if (filter.test(f.url)) {
      const key = `${f.functionName || '(anon)'} ${f.url.replace(/^.*work\/main\//, '')}:${f.lineNumber + 1}`;
      if (!seen.has(key)) { seen.add(key); incl.set(key, (incl.get(key) ?? 0) + dt); }
    }
    id = parent.get(id);
  }
}
console.log(`active ${(total / 1000).toFixed(0)} ms`);
for (const [k, v] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, Number(process.argv[4] ?? 40))) console.log(`${((v / total) * 100).toFixed(1).padStart(5)} %  ${k}`);
