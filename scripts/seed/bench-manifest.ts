/** What `npm run seed:bench` writes for the benchmark: where to point each case. */
export interface BenchManifest {
  createdAt: string;
  baseUrl: string;
  password: string;
  trackId: string;
  modulePaths: string[];
  coach: { email: string; organizers: number };
  organizers: string[];
  /** Codes of signed certificates whose credential names their own URL (valid, public). */
  certificates: string[];
  /** Public chapter pages (each listed, with published stories), for the directory cases. */
  chapterPaths?: string[];
  counts: Record<string, number>;
  /** The busy circle of the "circle-page" case (absent in manifests from before it existed). */
  circle?: { path: string; posts: number; members: string[] };
  /** Timings of the run that seeded (absent when the data already existed). */
  seed?: Record<string, number>;
}

export const BENCH_DOMAIN = 'bench.example.org';
/** Every bench account has this password (one argon2id hash, computed once). */
export const BENCH_PASSWORD = 'bench password for load tests';
