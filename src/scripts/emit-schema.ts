import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildAppSchema, printAppSchema } from '../schema';

/** Writes schema/schema.graphql from the code. */
async function main(): Promise<void> {
  const file = join(__dirname, '..', '..', '..', 'schema', 'schema.graphql');
  writeFileSync(file, printAppSchema(await buildAppSchema()));
  console.log(`wrote ${file}`);
}
void main();
