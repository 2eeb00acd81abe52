import crypto from 'node:crypto';

/** Percent-encodes any string, lone surrogates included (they go out as U+FFFD, as a browser sends them). */
export function encode(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((byte) =>
      /[A-Za-z0-9_.~-]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
}

/** An urlencoded body; `tail` is appended raw (for malformed encodings). */
export function formBody(fields: [string, string][], tail = ''): string {
  return fields.map(([key, value]) => `${encode(key)}=${encode(value)}`).join('&') + tail;
}

/** A multipart/form-data body (field names and values as given), optionally with one file part. */
export function multipartBody(
  fields: [string, string][],
  file: { field: string; content: string } | null = null,
): { body: Buffer; type: string } {
  const boundary = `----fuzz${crypto.randomBytes(8).toString('hex')}`;
  const parts = fields.map(
    ([key, value]) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${key.replace(/"/g, '%22')}"\r\n\r\n${value}\r\n`,
  );
  if (file)
    parts.push(
      `--${boundary}\r\nContent-Disposition: form-data; name="${file.field.replace(/"/g, '%22')}"; filename="c.json"\r\nContent-Type: application/json\r\n\r\n${file.content}\r\n`,
    );
  return {
    body: Buffer.from(`${parts.join('')}--${boundary}--\r\n`),
    type: `multipart/form-data; boundary=${boundary}`,
  };
}
