// Renders the nine SnapAsset presets with Sharp, as the original Node.js service did, and records
// the median wall time of each format's nine renders (all started at once, as Promise.all).
// Usage: node sharp-render.cjs INPUT OUT_DIR ITERATIONS   (run by compare-with-sharp.sh)
'use strict';
const fs = require('fs');
const path = require('path');
const sharp = require(path.resolve(__dirname, '.scratch/node_modules/sharp'));

const [input, outDir, iterationsArg] = process.argv.slice(2);
const iterations = Number(iterationsArg || 3);
const position = process.env.POSITION || 'attention';
const presets = [
  ['instagram-post', 1080, 1080], ['instagram-story', 1080, 1920], ['twitter-post', 1200, 675],
  ['twitter-header', 1500, 500], ['facebook-post', 1200, 630], ['facebook-cover', 820, 312],
  ['linkedin-post', 1200, 627], ['youtube-thumbnail', 1280, 720], ['pinterest-pin', 1000, 1500],
];
const formats = {
  png: (s) => s.png({ compressionLevel: 9, adaptiveFiltering: true }),
  webp: (s) => s.webp({ quality: 85 }),
  jpeg: (s) => s.jpeg({ quality: 85 }),
};
const ext = { png: 'png', webp: 'webp', jpeg: 'jpg' };

function renderAll(buffer, format, position) {
  return Promise.all(presets.map(([, w, h]) =>
    formats[format](sharp(buffer).resize(w, h, { fit: 'cover', position })).toBuffer()));
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function main() {
  const buffer = fs.readFileSync(input);
  sharp.cache(false); // every job brings a new image: no result caching between iterations
  const report = { sharp: sharp.versions.sharp, vips: sharp.versions.vips, iterations, position, formats: {} };
  for (const format of Object.keys(formats)) {
    for (let i = 0; i < 1; i++) await renderAll(buffer, format, position);
    const times = [];
    let outputs;
    for (let i = 0; i < iterations; i++) {
      const t0 = process.hrtime.bigint();
      outputs = await renderAll(buffer, format, position);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    const dir = path.join(outDir, 'sharp', format);
    fs.mkdirSync(dir, { recursive: true });
    outputs.forEach((b, i) => fs.writeFileSync(path.join(dir, `${presets[i][0]}.${ext[format]}`), b));
    report.formats[format] = { medianMs: median(times), bytes: outputs.reduce((n, b) => n + b.length, 0) };
  }
  // centre crops, untimed: isolate resampling from the choice of crop window
  const centre = await renderAll(buffer, 'png', 'centre');
  const dir = path.join(outDir, 'sharp', 'centre');
  fs.mkdirSync(dir, { recursive: true });
  centre.forEach((b, i) => fs.writeFileSync(path.join(dir, `${presets[i][0]}.png`), b));
  fs.writeFileSync(path.join(outDir, 'sharp.json'), JSON.stringify(report, null, 2));
  console.log(`sharp ${report.sharp} (libvips ${report.vips}): ${iterations} iterations per format done`);
}

main().catch((e) => { console.error(e); process.exit(1); });
