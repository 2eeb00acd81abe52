import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';
import type { Pool } from 'pg';
import QueryStream from 'pg-query-stream';
import { csvLine } from './csv';

export interface CsvExport<Row> {
  filename: string;
  header: string[];
  sql: string;
  params: unknown[];
  cells: (row: Row) => (string | number | null | undefined)[];
}

/**
 * Streams a query's rows as CSV: rows come from a server-side cursor in batches and are written as
 * the client reads them, so memory stays flat however many rows there are.
 */
export async function streamCsv<Row>(res: Response, pool: Pool, csv: CsvExport<Row>): Promise<void> {
  const client = await pool.connect();
  try {
    const rows = client.query(new QueryStream(csv.sql, csv.params, { batchSize: 500 }));
    res.status(200).type('text/csv; charset=utf-8').attachment(csv.filename).set('Cache-Control', 'no-store');
    // A byte-order mark so spreadsheet apps read the UTF-8 names correctly.
    res.write('\ufeff' + csvLine(csv.header));
    const toLines = new Transform({
      writableObjectMode: true,
      transform(row: Row, _encoding, done) {
        done(null, csvLine(csv.cells(row)));
      },
    });
    await pipeline(rows, toLines, res);
  } finally {
    client.release();
  }
}
