import { inflateSync } from 'node:zlib';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import extractChunks from 'png-chunks-extract';

/**
 * Reading the credential out of a baked badge image, as Open Badges 3.0 bakes it (the baking side
 * is in baking.ts). Every function takes the uploaded bytes, already held to the upload cap, and
 * returns the embedded credential text (JSON, or a compact JWT) or null when the image carries
 * none. A file that is not a readable PNG or SVG throws UnreadableImage.
 *
 * - PNG: an `iTXt` chunk whose keyword is `openbadgecredential` (compressed or not);
 *   chunks are read with png-chunks-extract, which checks each chunk's CRC.
 * - SVG: an `<openbadges:credential>` element, the prefix bound to
 *   https://purl.imsglobal.org/ob/v3p0, holding the credential in CDATA; parsed with
 *   fast-xml-parser with entity processing off.
 */

export const PNG_CREDENTIAL_KEYWORD = 'openbadgecredential';
export const OB3_NAMESPACE = 'https://purl.imsglobal.org/ob/v3p0';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The image is not a PNG or SVG we can read (broken, truncated, or another format). */
export class UnreadableImage extends Error {}

export type ImageKind = 'png' | 'svg';

/** Which kind of baked image these bytes are, by their content (not the file name), or null. */
export function imageKindOf(bytes: Buffer): ImageKind | null {
  if (bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return 'png';
  const head = bytes.subarray(0, 1024).toString('utf8').trimStart();
  if (/^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE svg[^>]*>\s*)?<svg[\s>]/i.test(head)) return 'svg';
  return null;
}

/** The credential baked into a PNG, or null. `maxTextBytes` bounds a compressed chunk's inflated size. */
export function unbakePng(bytes: Buffer, maxTextBytes: number): string | null {
  let chunks: { name: string; data: Uint8Array }[];
  try {
    chunks = extractChunks(bytes);
  } catch (error) {
    throw new UnreadableImage(`not a readable PNG (${error instanceof Error ? error.message : 'unknown'})`);
  }
  for (const chunk of chunks) {
    if (chunk.name !== 'iTXt') continue;
    const text = readITxt(Buffer.from(chunk.data), maxTextBytes);
    if (text?.keyword === PNG_CREDENTIAL_KEYWORD) return text.value;
  }
  return null;
}

/**
 * An iTXt chunk: keyword, NUL, compression flag, compression method, language tag, NUL,
 * translated keyword, NUL, text (UTF-8, zlib-compressed when the flag is 1).
 */
function readITxt(data: Buffer, maxTextBytes: number): { keyword: string; value: string } | null {
  const keywordEnd = data.indexOf(0);
  if (keywordEnd < 1 || keywordEnd + 3 > data.length) return null;
  const keyword = data.subarray(0, keywordEnd).toString('latin1');
  const compressed = data[keywordEnd + 1] === 1;
  const languageEnd = data.indexOf(0, keywordEnd + 3);
  const translatedEnd = languageEnd === -1 ? -1 : data.indexOf(0, languageEnd + 1);
  if (translatedEnd === -1) return null;
  const body = data.subarray(translatedEnd + 1);
  if (!compressed) return { keyword, value: body.toString('utf8') };
  try {
    return { keyword, value: inflateSync(body, { maxOutputLength: maxTextBytes + 1 }).toString('utf8') };
  } catch {
    throw new UnreadableImage('its credential chunk is compressed and could not be read, or is too large');
  }
}

/** The credential baked into an SVG, or null. */
export function unbakeSvg(bytes: Buffer): string | null {
  const svg = bytes.toString('utf8');
  if (XMLValidator.validate(svg) !== true) throw new UnreadableImage('not a well-formed SVG');
  let tree: unknown;
  try {
    tree = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '@',
      processEntities: false,
      parseTagValue: false,
      maxNestedTags: 64,
    }).parse(svg);
  } catch {
    throw new UnreadableImage('not a readable SVG');
  }
  const root = objectAt(tree, 'svg');
  if (!root) throw new UnreadableImage('not an SVG');
  const prefix = Object.entries(root).find(
    ([name, value]) => name.startsWith('@xmlns:') && value === OB3_NAMESPACE,
  )?.[0];
  if (!prefix) return null;
  const element = `${prefix.slice('@xmlns:'.length)}:credential`;
  if (findText(root, element) === null) return null;
  return rawElementText(svg, element);
}

/**
 * The text of the first `element` in the (already validated) SVG: CDATA sections as they are,
 * other character data with XML's predefined and numeric character references decoded. No
 * DTD entity is ever expanded.
 */
function rawElementText(svg: string, element: string): string | null {
  const name = element.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`<${name}\\b[^>]*?(?:/>|>([\\s\\S]*?)</${name}\\s*>)`).exec(svg);
  if (!match) return null;
  return (match[1] ?? '')
    .split(/(<!\[CDATA\[[\s\S]*?\]\]>)/)
    .map((part) => (part.startsWith('<![CDATA[') ? part.slice(9, -3) : decodeCharacterReferences(part)))
    .join('')
    .trim();
}

function decodeCharacterReferences(text: string): string {
  const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
  return text.replace(/&(#x[0-9a-f]+|#\d+|lt|gt|amp|quot|apos);/gi, (_, ref: string) => {
    if (ref[0] !== '#') return named[ref.toLowerCase()];
    const code = ref[1].toLowerCase() === 'x' ? parseInt(ref.slice(2), 16) : Number(ref.slice(1));
    return code <= 0x10ffff ? String.fromCodePoint(code) : '';
  });
}

function objectAt(node: unknown, key: string): Record<string, unknown> | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  const value = (node as Record<string, unknown>)[key];
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return typeof first === 'object' && first !== null ? (first as Record<string, unknown>) : undefined;
}

/** The text of the first element named `name` anywhere below `root` (iterative: no recursion). */
function findText(root: Record<string, unknown>, name: string): string | null {
  const pending: unknown[] = [root];
  while (pending.length) {
    const node = pending.shift();
    if (typeof node !== 'object' || node === null) continue;
    for (const [key, value] of Object.entries(node)) {
      if (key === name) {
        const first: unknown = Array.isArray(value) ? value[0] : value;
        if (typeof first === 'string') return first.trim();
        const text = objectAt({ first }, 'first')?.['#text'];
        return typeof text === 'string' ? text.trim() : null;
      }
      if (key.startsWith('@')) continue;
      const children: unknown[] = Array.isArray(value) ? (value as unknown[]) : [value];
      pending.push(...children);
    }
  }
  return null;
}
