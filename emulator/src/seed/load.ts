// Loads and validates a seed: a file path (.json, .yaml, .yml; content sniffed if the extension is unknown) or an
// in-memory object. Rules: every failure is a SeedError whose message names the file and each bad field; nothing
// partially loads.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { seedSchema, type ParsedSeed, type SeedOrg } from './schema.js';
import { demoSeed } from './demo.js';

export class SeedError extends Error {}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(root)';
}

export function validateSeed(input: unknown, source = 'seed'): ParsedSeed {
  const result = seedSchema.safeParse(input);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i: z.core.$ZodIssue) => `  ${formatPath(i.path)}: ${i.message}`);
  throw new SeedError(`Invalid ${source}:\n${lines.join('\n')}`);
}

export function readSeedFile(file: string): ParsedSeed {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new SeedError(`Cannot read seed file ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  let data: unknown;
  try {
    data = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new SeedError(`Seed file ${file} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message}`);
  }
  return validateSeed(data, `seed file ${file}`);
}

export function loadSeed(seed: string | SeedOrg | undefined): ParsedSeed {
  if (seed === undefined) return validateSeed(demoSeed, 'built-in demo seed');
  if (typeof seed === 'string') return readSeedFile(seed);
  return validateSeed(seed);
}
