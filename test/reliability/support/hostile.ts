import { projectRoot } from '../../../src/paths';

/**
 * Script-injection attempts for every user-written field. Each is at most 90 characters so it fits
 * the shortest field (a display name: 100). Markdown fields get the Markdown ones too.
 */
export const XSS_CORPUS = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'><svg onload=alert(1)>",
  '<svg/onload=alert(1)//',
  '<iframe src="javascript:alert(1)"></iframe>',
  '[click me](javascript:alert(1))',
  '[x](JaVaScRiPt:alert(1)) <a href="javascript:alert(1)">a</a>',
  '![i](x" onerror="alert(1))',
  '<details open ontoggle=alert(1)>x</details>',
  '" autofocus onfocus="alert(1)" x="',
  '</textarea></title><script>alert(1)</script>',
  '<a href="data:text/html,<script>alert(1)</script>">d</a>',
  '<math><style><img src=x onerror=alert(1)></style></math>',
  '<% process.exit() %>{{constructor.constructor("alert(1)")()}}',
  'javascript:alert(1)',
  // Shapes from sanitize-html's 2026 advisories (mutation XSS through discarded raw-text elements).
  '<textarea></textarea/><img src=x onerror=alert(1)></textarea>',
  '<svg><textarea><img src=x onerror=alert(1)></textarea></svg>',
  '<xmp></xmp/><img src=x onerror=alert(1)></xmp>',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
  '<p><noscript></p><img src=x onerror=alert(1)></noscript>',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<svg><a><animate attributeName=href to=javascript:alert(1) />x</a></svg>',
];

/** Values that have broken parsers, validators, databases or templates elsewhere. */
export const NASTY_VALUES = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\u0001\u0008\u000b\u001b[31m\u007f',
  'line one\rline two',
  'name\r\nBcc: victim@example.org',
  '>'.repeat(3_000) + ' deep',
  '- '.repeat(1_500) + 'deep',
  '['.repeat(2_000),
  '\r\n\r\nX-Injected: 1',
  '\u202Eevil\u202C',
  '\uFEFF',
  '\uD800',
  '💥🏳️‍🌈👩🏽‍💻',
  'Ω≈ç√∫˜µ≤≥÷',
  "' OR '1'='1' --",
  "'; DROP TABLE users; --",
  '%00%2e%2e%2f',
  '../../../../etc/passwd',
  '-1',
  '0',
  '1e309',
  'NaN',
  'Infinity',
  '99999999999999999999999',
  '0x10',
  'true',
  'null',
  'undefined',
  '[object Object]',
  '2024-02-30T25:61',
  '9999-12-31T23:59',
  '0000-00-00',
  'Not/AZone',
  '00000000-0000-0000-0000-000000000000',
  'present',
  'approved',
  '{"__proto__":{"polluted":1}}',
  '=cmd|" /C calc"!A0',
  ...XSS_CORPUS,
];

/** Keys aimed at prototype pollution, parameter parsing and field-name confusion. */
export const HOSTILE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__proto__[polluted]',
  'constructor[prototype][polluted]',
  'a[b]',
  'a[b][c]',
  'a[]',
  '[]',
  '',
  'status:',
  'status:not-a-uuid',
  'status:00000000-0000-0000-0000-000000000000',
  '_csrf',
];

const STACK_FRAME = /^\s*at .*(?:\(|\s)(?:\/|node:|file:)[^\s)]*:\d+:\d+\)?\s*$/m;
const ERROR_CLASS =
  /\b(?:TypeError|ReferenceError|RangeError|QueryFailedError|EntityNotFoundError|EntityPropertyNotFoundError|MulterError|ZodError|CastError)\b/;
const SQL_ERROR =
  /duplicate key value|violates (?:unique|check|foreign key|not-null) constraint|syntax error at or near|invalid input syntax for type|relation "\w+" does not exist/i;

/** Internals a response must never show: stack frames, file paths, error classes, SQL errors. */
export function leaksIn(text: string): string[] {
  const found: string[] = [];
  if (STACK_FRAME.test(text)) found.push(`stack frame: ${STACK_FRAME.exec(text)![0].trim()}`);
  if (text.includes(projectRoot)) found.push(`file path under ${projectRoot}`);
  if (/node_modules\//.test(text)) found.push('a node_modules path');
  if (/\/(?:src|dist)\/[\w/.-]+\.[jt]s\b/.test(text)) found.push('a source file path');
  if (ERROR_CLASS.test(text)) found.push(`error class ${ERROR_CLASS.exec(text)![0]}`);
  if (SQL_ERROR.test(text)) found.push(`SQL error "${SQL_ERROR.exec(text)![0]}"`);
  return found;
}

/** True for bodies worth reading as text (not PDFs, PNGs...). */
export function isTextual(contentType: string | null): boolean {
  return !contentType || /^text\/|json|xml|javascript|calendar|csv/.test(contentType);
}
