import { Writable } from 'node:stream';
import pino from 'pino';

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A pino logger keeping every line it writes, parsed, so a test can read what the app logged. */
export function capturingLogger(level = 'debug') {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return {
    logger: pino({ level }, stream),
    lines,
    /** Lines at error level or above (pino: error 50, fatal 60). */
    errors: () => lines.filter((line) => line.level >= 50),
  };
}
