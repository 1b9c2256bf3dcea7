#!/usr/bin/env node
// load-chrome-trace.mjs: loads a Chrome trace (heaplab's --chrome-trace output) with the trace
// engine of the Chrome DevTools Performance panel, published on npm as @paulirish/trace_engine,
// and prints what that engine found: the bounds of the trace, each track (pid, tid) with its
// name and how many of its slices the engine placed in the track's tree, slices it dropped
// because they overlap their parent without nesting in it, counter events and the engine's own
// warnings and console errors.
//
//   mkdir -p ENGINE && (cd ENGINE && npm install @paulirish/trace_engine)
//   node scripts/load-chrome-trace.mjs --engine ENGINE run.json
//
// ENGINE is the directory `npm install` ran in (it holds node_modules); the environment
// variable HEAPLAB_TRACE_ENGINE may name it instead of --engine.
// Exits 0 when the engine parsed the file, every slice is in a track's tree and the first named
// track holds at least one slice; 1 otherwise; 2 when the engine or the file cannot be read.
import fs from 'node:fs';
import path from 'node:path';
import {pathToFileURL} from 'node:url';

function usage(message) {
  if (message) console.error(`load-chrome-trace: ${message}`);
  console.error('usage: node load-chrome-trace.mjs [--engine DIR] TRACE.json');
  process.exit(2);
}

let engineDir = process.env.HEAPLAB_TRACE_ENGINE ?? '';
let file = '';
const args = process.argv.slice(2);
for (let i = 0; i < args.length; ++i) {
  if (args[i] === '--engine') {
    if (i + 1 >= args.length) usage('--engine needs a directory');
    engineDir = args[++i];
  } else if (args[i].startsWith('--')) {
    usage(`unknown option ${args[i]}`);
  } else if (file === '') {
    file = args[i];
  } else {
    usage('one trace file only');
  }
}
if (file === '') usage('no trace file');
if (engineDir === '') usage('no engine directory (--engine DIR or HEAPLAB_TRACE_ENGINE)');

const packageDir = path.resolve(engineDir, 'node_modules', '@paulirish', 'trace_engine');
let packageJson;
try {
  packageJson = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
} catch (e) {
  console.error(`load-chrome-trace: no @paulirish/trace_engine under ${engineDir}: ${e.message}`);
  process.exit(2);
}

// The engine measures layout boxes with DOMRect, which Node lacks; a plain rectangle is enough
// for loading a trace.
if (globalThis.DOMRect === undefined) {
  globalThis.DOMRect = class {
    constructor(x = 0, y = 0, width = 0, height = 0) {
      Object.assign(this, {x, y, width, height});
      this.left = Math.min(x, x + width);
      this.right = Math.max(x, x + width);
      this.top = Math.min(y, y + height);
      this.bottom = Math.max(y, y + height);
    }
  };
}

// The engine reports some problems only through console.error and console.warn: keep them.
const engineMessages = [];
for (const level of ['error', 'warn']) {
  console[level] = (...parts) => engineMessages.push(`${level}: ${parts.join(' ')}`);
}

let Trace;
try {
  Trace = await import(pathToFileURL(path.join(packageDir, packageJson.main ?? 'models/trace/trace.js')).href);
} catch (e) {
  console.error(`load-chrome-trace: cannot load the engine: ${e.message}`);
  process.exit(2);
}

let events;
try {
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  events = Array.isArray(doc) ? doc : doc.traceEvents;
  if (!Array.isArray(events)) throw new Error('neither {"traceEvents":[...]} nor an array');
} catch (e) {
  console.error(`load-chrome-trace: ${file}: ${e.message}`);
  process.exit(2);
}

const model = Trace.TraceModel.Model.createWithAllHandlers();
let parsed;
try {
  await model.parse(events);
  parsed = model.parsedTrace();
} catch (e) {
  console.log(`engine: @paulirish/trace_engine ${packageJson.version}`);
  console.log(`file: ${path.basename(file)}: ${events.length} events`);
  console.log(`REJECTED: the engine threw: ${e.stack ?? e}`);
  process.exit(1);
}
const data = parsed.data;

const byPhase = new Map();
for (const e of events) byPhase.set(e.ph, (byPhase.get(e.ph) ?? 0) + 1);
const phases = [...byPhase].sort().map(([ph, n]) => `${ph}=${n}`).join(' ');

console.log(`engine: @paulirish/trace_engine ${packageJson.version}`);
console.log(`file: ${path.basename(file)}: ${events.length} events (${phases})`);
const bounds = data.Meta.traceBounds;
console.log(`trace bounds: ${bounds.min} to ${bounds.max} us (${(bounds.range / 1000).toFixed(3)} ms); ` +
            `generic trace (not a web page's): ${data.Meta.traceIsGeneric}`);

let problems = 0;
let firstTrackSlices = -1;
let instantsOnTracks = 0;
const processNames = new Map();
for (const e of events) {
  if (e.ph === 'M' && e.name === 'process_name') processNames.set(e.pid, e.args?.name);
}
for (const [pid, proc] of data.Renderer.processes) {
  console.log(`process ${pid} "${processNames.get(pid) ?? ''}"`);
  for (const [tid, thread] of proc.threads) {
    const slices = thread.entries.filter(e => e.ph === 'X');
    const instants = thread.entries.filter(e => e.ph === 'i' || e.ph === 'I');
    instantsOnTracks += instants.length;
    const inTree = slices.filter(e => data.Renderer.entryToNode.has(e));
    const dropped = slices.filter(e => !data.Renderer.entryToNode.has(e));
    const byName = new Map();
    for (const e of inTree) byName.set(e.name, (byName.get(e.name) ?? 0) + 1);
    const top = [...byName].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([n, c]) => `${n} ${c}`);
    console.log(`  track tid ${tid} "${thread.name}": ${slices.length} slices, ${inTree.length} ` +
                `in the tree (${thread.tree.roots.size} at the top, depth ${thread.tree.maxDepth}), ` +
                `${dropped.length} dropped, ${instants.length} instant events; most: ${top.join(', ')}`);
    for (const e of dropped.slice(0, 5)) {
      console.log(`    dropped: ${e.name} ts ${e.ts} dur ${e.dur} (ends after the slice it starts in)`);
    }
    problems += dropped.length;
    if (firstTrackSlices < 0) firstTrackSlices = inTree.length;
  }
}
const instantsInFile = events.filter(e => e.ph === 'i' || e.ph === 'I').length;
if (instantsOnTracks < instantsInFile) {
  console.log(`instant events: ${instantsInFile} in the file, ${instantsOnTracks} on the engine's tracks ` +
              `(${instantsInFile - instantsOnTracks} not read)`);
  problems += instantsInFile - instantsOnTracks;
}
if (data.Renderer.processes.size === 0) {
  console.log('no tracks: the engine kept no process');
  problems += 1;
}
if (firstTrackSlices === 0) {
  console.log('the first track holds no slice');
  problems += 1;
}

// DevTools draws counters only from its own memory events (UpdateCounters); a trace's other
// counter events are read but not drawn.
const counters = new Map();
for (const e of events) {
  if (e.ph === 'C') counters.set(e.name, (counters.get(e.name) ?? 0) + 1);
}
console.log(`counter events: ${[...counters].map(([n, c]) => `${n} ${c}`).join(', ') || 'none'}; ` +
            `drawn by the Performance panel as memory counters: ${data.Memory.updateCountersByProcess.size} process(es)`);

const warnings = data.Warnings.perWarning;
console.log(`engine warnings: ${warnings.size === 0 ? 'none' : [...warnings].map(([w, es]) => `${w} ${es.length}`).join(', ')}`);
console.log(`engine console messages: ${engineMessages.length === 0 ? 'none' : engineMessages.length}`);
for (const m of engineMessages.slice(0, 10)) console.log(`  ${m}`);
problems += engineMessages.filter(m => m.startsWith('error')).length;

console.log(problems === 0 ? 'loaded: every slice is in its track' : `${problems} problem(s)`);
process.exit(problems === 0 ? 0 : 1);
