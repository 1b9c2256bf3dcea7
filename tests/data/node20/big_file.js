// A 200 MiB file read whole (fs.readFileSync) or streamed in 64 KiB chunks
// (fs.createReadStream), each 64 KiB decoded to a string and split into lines, as heaplab's
// big-file scenario models it. Prints the peak of process.memoryUsage().arrayBuffers (Buffer
// backing stores), sampled after the read (whole) or after each chunk (stream).
//   node big_file.js whole|stream
const fs = require('fs');
const os = require('os');
const path = require('path');

const mode = process.argv[2];
if (mode !== 'whole' && mode !== 'stream') throw new Error('usage: node big_file.js whole|stream');
const file = path.join(os.tmpdir(), 'heaplab_big_file.txt');
const size = 200 * 1024 * 1024;
if (!fs.existsSync(file) || fs.statSync(file).size !== size) {
  const line = 'x'.repeat(99) + '\n';
  fs.writeFileSync(file, line.repeat(size / line.length) + line.slice(0, size % line.length));
}

let peak = 0;
const sample = () => { peak = Math.max(peak, process.memoryUsage().arrayBuffers); };
const report = (lines) =>
  console.log(`${mode}: peak arrayBuffers ${(peak / 1048576).toFixed(2)} MiB, ${lines} lines`);
let lines = 0;
if (mode === 'whole') {
  const b = fs.readFileSync(file);
  sample();
  for (let o = 0; o < b.length; o += 65536) lines += b.subarray(o, o + 65536).toString().split('\n').length;
  report(lines);
} else {
  const s = fs.createReadStream(file, { highWaterMark: 65536 });
  s.on('data', (c) => { lines += c.toString().split('\n').length; sample(); });
  s.on('end', () => report(lines));
}
