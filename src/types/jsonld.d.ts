declare module 'jsonld' {
  interface JsonLd {
    expand(
      input: object,
      options: { documentLoader: (url: string) => Promise<{ document: unknown }>; safe?: boolean },
    ): Promise<object[]>;
    compact(
      input: object,
      context: object,
      options: { documentLoader: (url: string) => Promise<{ document: unknown }>; safe?: boolean },
    ): Promise<object>;
  }

  const jsonld: JsonLd;
  export = jsonld;
}
