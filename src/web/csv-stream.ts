import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';
import type { Pool } from 'pg';
import QueryStream from 'pg-query-stream';
import type { Logger } from 'pino';
import { Admission } from '../db/admission';
import { csvLine } from './csv';

export interface CsvExport<Row> {
  filename: string;
  header: string[];
  sql: string;
  params: unknown[];
  cells: (row: Row) => (string | number | null | undefined)[];
}

export interface StreamOptions {
  logger: Logger;
  /** A client that accepts nothing for this long while we wait to write is cut off. */
  stallMs: number;
}

const CHUNK_CHARS = 16 * 1024;

class ClientStalled extends Error {
  constructor(stallMs: number) {
    super(`the client read nothing for ${stallMs} ms`);
  }
}

/**
 * Streams a query's rows as CSV: rows come from a server-side cursor in batches and are written as
 * the client reads them, so memory stays flat however many rows there are. A download either ends
 * with every row or is aborted (the connection reset, never a clean end): a client that stops
 * reading for `stallMs` is cut off, and a failing query aborts it too; both are logged with the
 * number of rows sent. The cursor has no time limit of its own (`pool` must not set one).
 */
export async function streamCsv<Row>(
  res: Response,
  pool: Pool,
  csv: CsvExport<Row>,
  { logger, stallMs }: StreamOptions,
): Promise<void> {
  const client = await pool.connect();
  let rowsSent = 0;
  let lastProgress = Date.now();
  const watchdog = setInterval(
    () => {
      // Only a client that is behind counts as stalled; a slow query is not the client's fault.
      if (res.writableNeedDrain && Date.now() - lastProgress >= stallMs)
        res.destroy(new ClientStalled(stallMs));
    },
    Math.max(10, Math.floor(stallMs / 4)),
  );
  const progressed = () => (lastProgress = Date.now());
  res.on('drain', progressed);
  try {
    const rows = client.query(new QueryStream(csv.sql, csv.params, { batchSize: 500 }));
    res.status(200).type('text/csv; charset=utf-8').attachment(csv.filename).set('Cache-Control', 'no-store');
    // A byte-order mark so spreadsheet apps read the UTF-8 names correctly.
    res.write('\ufeff' + csvLine(csv.header));
    // Lines go out in chunks of about 16 KiB: one chunk per row would cost a write (and a chunk
    // header) per row.
    let pending = '';
    const toLines = new Transform({
      writableObjectMode: true,
      transform(row: Row, _encoding, done) {
        rowsSent += 1;
        progressed();
        pending += csvLine(csv.cells(row));
        if (pending.length < CHUNK_CHARS) return done();
        const chunk = pending;
        pending = '';
        done(null, chunk);
      },
      flush(done) {
        done(null, pending || undefined);
      },
    });
    await pipeline(rows, toLines, res);
    client.release();
    logger.info({ export: csv.filename, rows: rowsSent }, 'export finished');
  } catch (error) {
    // The connection may hold an open cursor: throw it away (PostgreSQL ends the query with it).
    client.release(error instanceof Error ? error : true);
    if (!res.destroyed) res.destroy();
    logger.warn(
      { export: csv.filename, rowsSent, reason: error instanceof Error ? error.message : String(error) },
      'export aborted before its last row; the client was cut off, not sent a short file',
    );
  } finally {
    clearInterval(watchdog);
    res.off('drain', progressed);
  }
}

/**
 * Every streamed CSV download of one process: its own small pool (no time limits), at most as many
 * downloads at once as that pool has connections, a short queue, then "busy" (503).
 */
export class CsvDownloads {
  private readonly admission: Admission;

  constructor(
    private readonly pool: Pool,
    private readonly options: StreamOptions & { connections: number },
  ) {
    this.admission = new Admission({
      concurrency: options.connections,
      maxWaiting: options.connections * 5,
      waitMs: 10_000,
      busyMessage: 'Other downloads are running right now. Please try again in a minute.',
    });
  }

  /** Streams `csv` to `res` when a download slot is free (see streamCsv). */
  send<Row>(res: Response, csv: CsvExport<Row>): Promise<void> {
    return this.admission.run(() => streamCsv(res, this.pool, csv, this.options));
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
