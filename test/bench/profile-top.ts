// Prints the top frames of a V8 CPU profile (node --cpu-prof) by self time, and by package;
// with more arguments, only from that many seconds before its end until the other (default 0)
// before it: the load, not the start.
import { readFileSync } from 'node:fs';

interface Frame { functionName: string; url: string; lineNumber: number }
interface Profile { nodes: Array<{ id: number; callFrame: Frame }>; samples: number[]; timeDeltas: number[]; endTime: number }
const profile = JSON.parse(readFileSync(process.argv[2], 'utf8')) as Profile;
const [fromUs, toUs] = [Number(process.argv[3] ?? Infinity) * 1e6, Number(process.argv[4] ?? 0) * 1e6];
const self = new Map<string, number>();
const dt = profile.timeDeltas;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const hits = new Map<number, number>();
let t = profile.endTime;
const from: number[] = [];
for (let i = profile.samples.length - 1; i >= 0; i--) from[i] = t -= dt[i] ?? 0;
for (let i = 0; i < profile.samples.length; i++) if (profile.endTime - from[i] <= fromUs && profile.endTime - from[i] >= toUs) hits.set(profile.samples[i], (hits.get(profile.samples[i]) ?? 0) + (dt[i] ?? 0));
const total = [...hits.values()].reduce((a, b) => a + b, 0);
const pkgs = new Map<string, number>();
for (const [id, us] of hits) {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  const key = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/wt-[^/]+\//, '')}:${lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + us);
  const pkg = url.includes('node_modules/') ? url.replace(/^.*node_modules\//, '').split('/').slice(0, url.includes('node_modules/@') ? 2 : 1).join('/') : url ? 'own code / node' : functionName;
  pkgs.set(pkg, (pkgs.get(pkg) ?? 0) + us);
}
const top = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, us]) => `${((us / total) * 100).toFixed(1).padStart(5)} %  ${k}`).join('\n');
console.log(`total ${(total / 1000).toFixed(0)} ms sampled\n\nby package:\n${top(pkgs, 25)}\n\nby frame (self):\n${top(self, 40)}`);
