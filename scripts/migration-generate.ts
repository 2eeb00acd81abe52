import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../src/config';
import { connectDatabase } from '../src/db/connect';
import { pendingSchemaChanges } from '../src/db/schema-diff';
import { projectRoot } from '../src/paths';
import { migrationsDir, writeMigrationIndex } from './migration-index';
import { runCli } from './run-cli';

function migrationSource(className: string, up: string[], down: string[]): string {
  const statements = (queries: string[]) =>
    queries.map((sql) => `    await queryRunner.query(${JSON.stringify(sql)});`).join('\n');
  return `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  public async up(queryRunner: QueryRunner): Promise<void> {
${statements(up)}
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
${statements(down)}
  }
}
`;
}

runCli(async () => {
  const name = process.argv[2];
  if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) {
    throw new Error('Usage: npm run migration:generate -- NameInPascalCase');
  }
  const db = await connectDatabase(loadConfig(), { migrate: true });
  try {
    const diff = await pendingSchemaChanges(db.dataSource);
    if (diff.up.length === 0) {
      console.log('Entities and migrations agree; nothing to generate.');
      return;
    }
    const timestamp = Date.now();
    const file = path.join(migrationsDir, `${timestamp}-${name}.ts`);
    fs.writeFileSync(file, migrationSource(`${name}${timestamp}`, diff.up, diff.down));
    writeMigrationIndex();
    console.log(`Wrote ${path.relative(projectRoot, file)}; read it before committing.`);
  } finally {
    await db.close();
  }
});
