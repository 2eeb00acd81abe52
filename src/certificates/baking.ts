import extractChunks from 'png-chunks-extract';
import encodeChunks from 'png-chunks-encode';

/**
 * Baked badges, as Open Badges 3.0 specifies (§ Baking): the credential travels inside its image.
 * PNG: an iTXt chunk with the keyword "openbadgecredential" whose text is the credential JSON.
 * SVG: an <openbadges:credential> element (xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0")
 * just inside the root, with the JSON in CDATA. Reading a baked image back is
 * `unbaking.ts`'s work (the verifier's side, with its size bounds).
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

const CREDENTIAL_ELEMENT = /<openbadges:credential\b[^>]*?(?:\/>|>([\s\S]*?)<\/openbadges:credential\s*>)/;

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
