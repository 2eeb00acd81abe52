/** A JSON-LD node as parsed from JSON: nothing about its fields is known yet. */
export type JsonLdObject = Record<string, unknown>;

export interface RemoteDocument {
  contextUrl: null;
  documentUrl: string;
  document: JsonLdObject;
}

/** Resolves a URL to a JSON-LD document; the jsonld and @digitalbazaar libraries call it. */
export type DocumentLoader = (url: string) => Promise<RemoteDocument>;

export function isJsonObject(value: unknown): value is JsonLdObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON-LD lets a single value stand for a one-item set. */
export function valuesOf(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

export function typesOf(node: unknown): string[] {
  if (!isJsonObject(node)) return [];
  return valuesOf(node.type).filter((type): type is string => typeof type === 'string');
}

/** The id of a node given either as a string or as an object with an id. */
export function idOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (isJsonObject(value) && typeof value.id === 'string') return value.id;
  return undefined;
}

/** XSD dateTime without milliseconds, e.g. 2025-05-01T12:00:00Z. */
export function toXsdDateTime(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new RangeError('Invalid date');
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function isAbsoluteUrl(value: unknown): value is string {
  return typeof value === 'string' && URL.canParse(value);
}

const XSD_DATE_TIME_STAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** An XSD dateTimeStamp (time zone required), as VC 2.0 requires for validFrom and validUntil. */
export function isDateTimeStamp(value: unknown): value is string {
  return typeof value === 'string' && XSD_DATE_TIME_STAMP.test(value) && !Number.isNaN(Date.parse(value));
}
