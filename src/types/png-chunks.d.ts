// png-chunks-extract and png-chunks-encode ship no types.

declare module 'png-chunks-extract' {
  /** The PNG's chunks, CRCs checked; throws on a file that is not a PNG. */
  function extractChunks(data: Uint8Array): { name: string; data: Uint8Array }[];
  export = extractChunks;
}

declare module 'png-chunks-encode' {
  /** A PNG file (signature, chunks with lengths and CRCs) from chunks. */
  function encodeChunks(chunks: { name: string; data: Uint8Array }[]): Uint8Array;
  export = encodeChunks;
}
