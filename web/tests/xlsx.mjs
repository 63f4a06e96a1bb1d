// Reading back a downloaded workbook without a spreadsheet library: an XLSX file is a
// zip of XML parts, so the central directory names each part, node:zlib inflates it, and
// the cells are read from the sheet's XML (shared strings resolved). Enough to check the
// figures an export wrote; not a general reader.
import { inflateRawSync } from 'node:zlib';

/** The zip's parts by name, inflated. */
export function unzip(buf) {
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('not a zip archive');
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const parts = {};
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error('bad central directory');
    const method = buf.readUInt16LE(at + 10);
    const size = buf.readUInt32LE(at + 20);
    const [nameLen, extraLen, commentLen] = [buf.readUInt16LE(at + 28), buf.readUInt16LE(at + 30), buf.readUInt16LE(at + 32)];
    const local = buf.readUInt32LE(at + 42);
    const name = buf.toString('utf8', at + 46, at + 46 + nameLen);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + size);
    parts[name] = method === 8 ? inflateRawSync(data) : Buffer.from(data);
    at += 46 + nameLen + extraLen + commentLen;
  }
  return parts;
}

const unescape = (s) =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/** The workbook's sheets in order: `{ name, rows, xml }`, each row an array of cells
 * (string, number or undefined for an empty cell), column A first; `xml` is the sheet's
 * own XML (panes, autofilter). */
export function readWorkbook(buf) {
  const parts = unzip(buf);
  const text = (name) => parts[name]?.toString('utf8') ?? '';
  const shared = [...text('xl/sharedStrings.xml').matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) =>
    unescape([...m[1].matchAll(/<t[^>]*>([\s\S]*?)<\/t>/g)].map((t) => t[1]).join('')),
  );
  const rels = Object.fromEntries(
    [...text('xl/_rels/workbook.xml.rels').matchAll(/<Relationship [^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"/g)].map((m) => [m[1], m[2]]),
  );
  const col = (letters) => [...letters].reduce((n, c) => n * 26 + c.charCodeAt(0) - 64, 0) - 1;
  return [...text('xl/workbook.xml').matchAll(/<sheet [^>]*?name="([^"]+)"[^>]*?r:id="([^"]+)"/g)].map(([, name, rid]) => {
    const target = rels[rid].replace(/^\/?(xl\/)?/, 'xl/');
    const rows = [];
    for (const r of text(target).matchAll(/<row [^>]*?r="(\d+)"[^>]*>([\s\S]*?)<\/row>/g)) {
      const row = [];
      for (const c of r[2].matchAll(/<c r="([A-Z]+)\d+"([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
        const v = /<v>([\s\S]*?)<\/v>/.exec(c[3] ?? '')?.[1];
        const inline = /<t[^>]*>([\s\S]*?)<\/t>/.exec(c[3] ?? '')?.[1];
        const type = /t="(\w+)"/.exec(c[2])?.[1];
        row[col(c[1])] =
          type === 's' ? shared[Number(v)] : type === 'inlineStr' ? unescape(inline ?? '') : type === 'str' ? unescape(v ?? '') : v === undefined ? undefined : Number(v);
      }
      rows[Number(r[1]) - 1] = row;
    }
    return { name: unescape(name), rows, xml: text(target) };
  });
}
