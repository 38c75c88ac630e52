// The Sharp half of compare-with-sharp.sh: renders the nine SnapAsset presets with Sharp, as the
// original Node.js service did (the nine renders of one job started at once, as Promise.all).
// It is driven by SharpComparison over stdin/stdout so that Sharp's and SnapAsset's rounds
// alternate in the same run (machine load hits both sides alike): one JSON request per line,
//   {"input": FILE, "format": "png9", "position": "attention", "save": DIR or null}
// one JSON answer per line: {"ms": wall time of the nine renders, "cpuMs": CPU time the process
// spent meanwhile (all threads), "bytes": their total size}.
// Usage: node sharp-render.cjs   (started by SharpComparison)
'use strict';
const fs = require('fs');
const path = require('path');
const readline = require('readline');
const sharp = require(path.resolve(__dirname, '.scratch/node_modules/sharp'));

const presets = [
  ['instagram-post', 1080, 1080], ['instagram-story', 1080, 1920], ['twitter-post', 1200, 675],
  ['twitter-header', 1500, 500], ['facebook-post', 1200, 630], ['facebook-cover', 820, 312],
  ['linkedin-post', 1200, 627], ['youtube-thumbnail', 1280, 720], ['pinterest-pin', 1000, 1500],
];
// the settings compared; SharpComparison.FORMATS holds SnapAsset's side of each
const formats = {
  png9: (s) => s.png({ compressionLevel: 9, adaptiveFiltering: true }),
  png: (s) => s.png(), // Sharp's defaults: compressionLevel 6, no adaptive filtering
  palette: (s) => s.png({ palette: true, quality: 90, compressionLevel: 9, adaptiveFiltering: true }),
  webp: (s) => s.webp({ quality: 85 }),
  jpeg: (s) => s.jpeg({ quality: 85 }),
};
const ext = { png9: 'png', png: 'png', palette: 'png', webp: 'webp', jpeg: 'jpg' };

const inputs = new Map();
function read(file) {
  if (!inputs.has(file)) inputs.set(file, fs.readFileSync(file));
  return inputs.get(file);
}

async function render({ input, format, position, save }) {
  if (!formats[format]) throw new Error(`unknown format ${format}`);
  const buffer = read(input);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const outputs = await Promise.all(presets.map(([, w, h]) =>
    formats[format](sharp(buffer).resize(w, h, { fit: 'cover', position })).toBuffer()));
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  if (save) {
    fs.mkdirSync(save, { recursive: true });
    outputs.forEach((b, i) => fs.writeFileSync(path.join(save, `${presets[i][0]}.${ext[format]}`), b));
  }
  return { ms, cpuMs: (cpu.user + cpu.system) / 1e3, bytes: outputs.reduce((n, b) => n + b.length, 0) };
}

sharp.cache(false); // every job brings a new image: no result caching between rounds
const lines = readline.createInterface({ input: process.stdin });
process.stdout.write(JSON.stringify({ sharp: sharp.versions.sharp, vips: sharp.versions.vips }) + '\n');
(async () => {
  for await (const line of lines) {
    if (!line.trim()) continue;
    try {
      process.stdout.write(JSON.stringify(await render(JSON.parse(line))) + '\n');
    } catch (e) {
      process.stdout.write(JSON.stringify({ error: String(e) }) + '\n');
    }
  }
})();
