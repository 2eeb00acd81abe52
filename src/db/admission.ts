import { ServiceUnavailable } from '../web/errors';

export interface AdmissionOptions {
  /** How many may run at once. */
  concurrency: number;
  /** How many may wait for a turn; more are turned away at once. */
  maxWaiting: number;
  /** How long one may wait for a turn before being turned away. */
  waitMs: number;
  /** What a person turned away reads (a 503 with Retry-After). */
  busyMessage: string;
}

/**
 * A bounded share of the database for expensive work (reports, exports): at most `concurrency`
 * run at once, a short queue waits its turn, and anything beyond is answered 503 at once. Everything
 * else keeps the rest of the pool, so an organizer's page never waits behind a report.
 */
export class Admission {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly options: AdmissionOptions) {}

  get active(): number {
    return this.running;
  }

  /** Runs `work` when a turn is free; throws ServiceUnavailable when the queue is full or the wait too long. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.running < this.options.concurrency) {
      this.running += 1;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.options.maxWaiting)
      return Promise.reject(new ServiceUnavailable(this.options.busyMessage));
    return new Promise<void>((resolve, reject) => {
      const turn = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        const at = this.waiting.indexOf(turn);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(new ServiceUnavailable(this.options.busyMessage));
      }, this.options.waitMs);
      this.waiting.push(turn);
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    // The turn passes straight to the next in line: `running` stays the same.
    if (next) next();
    else this.running -= 1;
  }
}
