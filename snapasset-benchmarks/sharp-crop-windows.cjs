// The Sharp half of compare-crops.sh: for each input and preset, the window Sharp's cover crop keeps
// (info.cropOffsetLeft/Top, negated: Sharp reports where the scaled image lands on the output) and
// that crop as JPEG q85 (or lossless PNG), for SSIM against SnapAsset's.
// Usage: node sharp-crop-windows.cjs POSITION jpeg|png OUT_DIR PRESETS_JSON INPUT...
//   PRESETS_JSON: [["instagram-post",1080,1080],...]; prints one JSON line per crop.
'use strict';
const fs = require('fs');
const path = require('path');
const sharp = require(path.resolve(__dirname, '.scratch/node_modules/sharp'));

const [position, format, out, presetsJson, ...inputs] = process.argv.slice(2);
const presets = JSON.parse(presetsJson);
sharp.cache(false);
(async () => {
  process.stdout.write(JSON.stringify({ sharp: sharp.versions.sharp, vips: sharp.versions.vips }) + '\n');
  for (const input of inputs) {
    const dir = path.join(out, path.basename(input));
    fs.mkdirSync(dir, { recursive: true });
    for (const [id, w, h] of presets) {
      const resized = sharp(input).resize(w, h, { fit: 'cover', position });
      const { data, info } = await (format === 'png' ? resized.png() : resized.jpeg({ quality: 85 }))
        .toBuffer({ resolveWithObject: true });
      fs.writeFileSync(path.join(dir, `${id}.${format === 'png' ? 'png' : 'jpg'}`), data);
      // no offsets when nothing was cropped
      process.stdout.write(JSON.stringify({
        input, id, left: -(info.cropOffsetLeft || 0), top: -(info.cropOffsetTop || 0),
      }) + '\n');
    }
  }
})().catch((e) => { console.error(e); process.exit(1); });
