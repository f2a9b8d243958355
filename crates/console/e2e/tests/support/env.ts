// What `cargo xtask e2e` passes by environment, and what the global setup seeded.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Credentials of one back-office user. */
export interface Admin {
  email: string;
  password: string;
  role: string;
}

/** What the global setup created once for every test. */
export interface Seed {
  tenant: string;
  admins: { finance: Admin; finance2: Admin; support: Admin };
}

/** A required environment variable, or an error naming it. */
export function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run the suite with \`cargo xtask e2e\``);
  }
  return value;
}

/** Where the report, the seed file and the screenshots go. */
export function outputDir(): string {
  return process.env.KASA_E2E_OUTPUT ?? path.join(process.cwd(), 'test-results');
}

/** The file the global setup writes the seed to. */
export function seedFile(): string {
  return path.join(outputDir(), 'seed.json');
}

/** The seed written by the global setup. */
export function seed(): Seed {
  return JSON.parse(fs.readFileSync(seedFile(), 'utf8')) as Seed;
}

/** A random lowercase hex string of `length` digits. */
export function randomHex(length: number): string {
  let out = '';
  while (out.length < length) {
    out += Math.floor(Math.random() * 0x100000000).toString(16).padStart(8, '0');
  }
  return out.slice(0, length);
}

/** A password that satisfies Kasa's password rules. */
export function randomPassword(): string {
  return `E2e-${randomHex(12)}-Pw${randomHex(6)}`;
}
