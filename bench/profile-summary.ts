/**
 * Summarises a V8 CPU profile (`node --cpu-prof`): self time by package / project folder and the top
 * functions. Used to find where a benchmark run spends its CPU:
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/run-one.ts '{"mode":"sync","accounts":10000}'
 *   tsx bench/profile-summary.ts /tmp/prof/<file>.cpuprofile
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const file = process.argv[2];
if (!file) throw new Error('usage: tsx bench/profile-summary.ts <file.cpuprofile>');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfMs = new Map<number, number>();
for (const [index, id] of profile.samples.entries()) {
  selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000);
}
const total = (profile.endTime - profile.startTime) / 1000;

const group = (url: string): string => {
  if (!url) return '(native / idle / gc)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg?.[1]) return pkg[1];
  if (url.startsWith('node:')) return 'node core';
  const project = /\/(lambdas|local|bench|lib)\/([^/]+)/.exec(url);
  return project ? `${project[1]}/${project[2]}` : url;
};
const groups = new Map<string, number>();
const functions = new Map<string, number>();
for (const [id, ms] of selfMs) {
  const node = byId.get(id);
  if (!node) continue;
  const name = node.callFrame.functionName || '(anonymous)';
  const key =
    name === '(idle)' || name === '(program)' || name === '(garbage collector)' ? name : group(node.callFrame.url);
  groups.set(key, (groups.get(key) ?? 0) + ms);
  const where = node.callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/main\//, '');
  const fn = `${name} ${where}:${node.callFrame.lineNumber + 1}`;
  functions.set(fn, (functions.get(fn) ?? 0) + ms);
}
const top = (map: Map<string, number>, count: number) =>
  [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([key, ms]) => `${ms.toFixed(0).padStart(8)} ms ${((ms / total) * 100).toFixed(1).padStart(5)} %  ${key}`);
console.log(
  `profile: ${total.toFixed(0)} ms wall\n\nself time by package or folder:\n${top(groups, 25).join('\n')}` +
    `\n\ntop functions:\n${top(functions, 30).join('\n')}`,
);
