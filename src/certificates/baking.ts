import { inflateSync } from 'node:zlib';
import extractChunks from 'png-chunks-extract';
import encodeChunks from 'png-chunks-encode';

/**
 * Baked badges, as Open Badges 3.0 specifies (§ Baking): the credential travels inside its image.
 * PNG: an iTXt chunk with the keyword "openbadgecredential" whose text is the credential JSON.
 * SVG: an <openbadges:credential> element (xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0")
 * just inside the root, with the JSON in CDATA. Reading gives back the JSON text (or null when the
 * image carries none); parsing and verifying it is the verifier's business.
 */

export const PNG_KEYWORD = 'openbadgecredential';
export const OPEN_BADGES_XMLNS = 'https://purl.imsglobal.org/ob/v3p0';

/** The PNG with the credential JSON in an iTXt chunk (replacing any credential it carried). */
export function bakePng(png: Uint8Array, credentialJson: string): Buffer {
  const chunks = extractChunks(png).filter((chunk) => !isCredentialChunk(chunk));
  const ihdr = chunks.findIndex((chunk) => chunk.name === 'IHDR');
  if (ihdr !== 0) throw new Error('This PNG does not start with its IHDR chunk');
  chunks.splice(1, 0, { name: 'iTXt', data: encodeITxt(PNG_KEYWORD, credentialJson) });
  return Buffer.from(encodeChunks(chunks));
}

/** The credential JSON baked into a PNG, or null when it carries none. Throws on a file that is not a PNG. */
export function unbakePng(png: Uint8Array): string | null {
  const chunk = extractChunks(png).find(isCredentialChunk);
  return chunk ? decodeITxt(chunk.data).text : null;
}

/** The SVG with the credential JSON inside it (replacing any credential it carried). */
export function bakeSvg(svg: string, credentialJson: string): string {
  const cleaned = svg.replace(CREDENTIAL_ELEMENT, '');
  const root = /<svg\b[^>]*>/.exec(cleaned);
  if (!root) throw new Error('This is not an SVG image: it has no <svg> element');
  let openTag = root[0];
  if (!/\sxmlns:openbadges\s*=/.test(openTag)) {
    openTag = openTag.replace(/^<svg\b/, `<svg xmlns:openbadges="${OPEN_BADGES_XMLNS}"`);
  }
  // "]]>" cannot appear inside CDATA: end the section there and start a new one.
  const cdata = `<![CDATA[${credentialJson.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
  const element = `<openbadges:credential>${cdata}</openbadges:credential>`;
  const end = root.index + root[0].length;
  return `${cleaned.slice(0, root.index)}${openTag}${element}${cleaned.slice(end)}`;
}

/** The credential JSON baked into an SVG, or null when it carries none. */
export function unbakeSvg(svg: string): string | null {
  const match = CREDENTIAL_ELEMENT.exec(svg);
  if (!match) return null;
  const content = match[1] ?? '';
  // Text is CDATA sections (taken as they are) and character data (entities decoded).
  return content
    .split(/(<!\[CDATA\[[\s\S]*?\]\]>)/)
    .map((part) => (part.startsWith('<![CDATA[') ? part.slice(9, -3) : decodeXmlText(part)))
    .join('')
    .trim();
}

const CREDENTIAL_ELEMENT = /<openbadges:credential\b[^>]*?(?:\/>|>([\s\S]*?)<\/openbadges:credential\s*>)/;

function decodeXmlText(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|lt|gt|amp|quot|apos);/gi, (_, entity: string) => {
    const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
    if (entity[0] !== '#') return named[entity.toLowerCase()];
    return String.fromCodePoint(
      entity[1].toLowerCase() === 'x' ? parseInt(entity.slice(2), 16) : Number(entity.slice(1)),
    );
  });
}

function isCredentialChunk(chunk: { name: string; data: Uint8Array }): boolean {
  if (chunk.name !== 'iTXt') return false;
  const end = chunk.data.indexOf(0);
  return end > 0 && Buffer.from(chunk.data.subarray(0, end)).toString('latin1') === PNG_KEYWORD;
}

/**
 * An iTXt chunk's data (PNG spec § 11.3.4.5): keyword, NUL, compression flag 0 and method 0,
 * an empty language tag and translated keyword (each NUL-terminated), then the UTF-8 text.
 */
export function encodeITxt(keyword: string, text: string): Uint8Array {
  if (!/^[\x20-\x7e]{1,79}$/.test(keyword)) throw new Error('An iTXt keyword is 1-79 printable characters');
  return Buffer.concat([
    Buffer.from(keyword, 'latin1'),
    Buffer.from([0, 0, 0, 0, 0]),
    Buffer.from(text, 'utf8'),
  ]);
}

/** Reads an iTXt chunk's data, compressed text included. */
export function decodeITxt(data: Uint8Array): { keyword: string; text: string } {
  const bytes = Buffer.from(data);
  const keywordEnd = bytes.indexOf(0);
  if (keywordEnd < 1) throw new Error('This iTXt chunk has no keyword');
  const compressed = bytes[keywordEnd + 1] === 1;
  const languageEnd = bytes.indexOf(0, keywordEnd + 3);
  const translatedEnd = languageEnd === -1 ? -1 : bytes.indexOf(0, languageEnd + 1);
  if (translatedEnd === -1) throw new Error('This iTXt chunk is cut short');
  const body = bytes.subarray(translatedEnd + 1);
  return {
    keyword: bytes.subarray(0, keywordEnd).toString('latin1'),
    text: (compressed ? inflateSync(body) : body).toString('utf8'),
  };
}
