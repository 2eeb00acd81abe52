import 'reflect-metadata';
import crypto from 'node:crypto';
import { Client } from 'pg';
import type { DataSource, Logger } from 'typeorm';
import { createDataSource } from '../../src/db/data-source';

function serverUrl(): string {
  const url = process.env.TEST_DATABASE_SERVER_URL;
  if (!url) throw new Error('TEST_DATABASE_SERVER_URL is unset: run tests through jest (global setup).');
  return url;
}

export function databaseUrl(name: string): string {
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

async function onServer(sql: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh database for one test file: a copy of the template the migrations built. */
export async function createTestDatabase(): Promise<string> {
  const name = `academy_test_${crypto.randomBytes(6).toString('hex')}`;
  await onServer(`CREATE DATABASE ${name} TEMPLATE ${process.env.TEST_TEMPLATE_DATABASE}`);
  return name;
}

export async function dropTestDatabase(name: string): Promise<void> {
  await onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

export async function connectTestDatabase(
  name: string,
  poolMax = 5,
  queryLogger?: Logger,
): Promise<DataSource> {
  // Tests wait for a pool connection up to 30 s, not the app's 3 s: a test firing 50 transactions
  // at once through 5 connections checks locking, not how fast a busy CI machine hands out
  // connections (test/web/database-outage.test.ts checks the quick 503 with its own pool).
  const dataSource = createDataSource({
    url: databaseUrl(name),
    poolMax,
    queryLogger,
    connectTimeoutMs: 30_000,
  });
  await dataSource.initialize();
  return dataSource;
}
