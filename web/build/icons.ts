// The field app's PNG icons (192 and 512 px), drawn at build time so no binary is kept in
// git: a white map pin on the brand blue, full-bleed so it also works as a maskable icon.
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** An RGBA image as PNG bytes. */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0; // filter: none
    Buffer.from(rgba.buffer, rgba.byteOffset + y * width * 4, width * 4).copy(raw, y * (width * 4 + 1) + 1);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array()),
  ]);
}

/** Inside the pin (unit square coordinates): a circle with a tail down to a point. */
function inPin(x: number, y: number): boolean {
  const cx = 0.5, cy = 0.42, r = 0.2;
  const d = Math.hypot(x - cx, y - cy);
  if (d <= r) return d >= 0.075; // the ring, with its hole
  // The tail: a triangle from the circle's sides down to (0.5, 0.8).
  if (y < cy || y > 0.8) return false;
  const half = r * (1 - (y - cy) / (0.8 - cy)) * 0.92;
  return Math.abs(x - cx) <= half;
}

export function drawIcon(size: number): Buffer {
  const px = new Uint8Array(size * size * 4);
  const blue = [0x1d, 0x4e, 0xd8];
  const S = 3; // supersampling per axis, for smooth edges
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      let hit = 0;
      for (let sy = 0; sy < S; sy++)
        for (let sx = 0; sx < S; sx++) if (inPin((x + (sx + 0.5) / S) / size, (y + (sy + 0.5) / S) / size)) hit++;
      const a = hit / (S * S);
      const i = (y * size + x) * 4;
      for (let c = 0; c < 3; c++) px[i + c] = Math.round(blue[c] * (1 - a) + 255 * a);
      px[i + 3] = 255;
    }
  return encodePng(size, size, px);
}
