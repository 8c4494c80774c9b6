// Architecture rule: src/core is pure. Every module under src/core may import only other modules under src/core
// and `node:crypto` (hashing, constant-time compare, the production Random) — not even type-only imports of
// anything else (fastify, @okta/*, ../okta, ../store, ../http, node:http, better-sqlite3, ioredis ...).
// Imports are found with the TypeScript parser (static imports, re-exports, import(), require(), import types).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

const CORE = resolve('src/core');
const ALLOWED_BUILTINS = new Set(['node:crypto']);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every module specifier a source file refers to. */
export function specifiers(fileName: string, text: string): string[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      out.push(node.moduleSpecifier.text);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const e = node.moduleReference.expression;
      out.push(ts.isStringLiteral(e) ? e.text : '<dynamic>');
    } else if (ts.isCallExpression(node)) {
      const isImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      if (isImport || isRequire) {
        const a = node.arguments[0];
        out.push(a && ts.isStringLiteralLike(a) ? a.text : '<dynamic>');
      }
    } else if (ts.isImportTypeNode(node)) {
      const lit = node.argument;
      out.push(ts.isLiteralTypeNode(lit) && ts.isStringLiteral(lit.literal) ? lit.literal.text : '<dynamic>');
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** The violations in one file: specifiers that leave src/core or are not allowed built-ins. */
export function violations(fileName: string, text: string): string[] {
  return specifiers(fileName, text).filter((spec) => {
    if (ALLOWED_BUILTINS.has(spec)) return false;
    if (spec.startsWith('./') || spec.startsWith('../')) {
      const target = resolve(dirname(fileName), spec);
      return !(target === CORE || target.startsWith(CORE + sep));
    }
    return true;
  });
}

describe('architecture', () => {
  test('src/core imports nothing outside src/core except node:crypto', () => {
    const all = files(CORE);
    assert.ok(all.length >= 10, 'found the core sources');
    const bad = all.flatMap((f) => violations(f, readFileSync(f, 'utf8')).map((v) => `${relative('.', f)} → ${v}`));
    assert.deepEqual(bad, []);
  });

  test('the checker catches every kind of escape', () => {
    const f = join(CORE, 'recovery', 'x.ts');
    const cases: Record<string, string> = {
      "import Fastify from 'fastify';": 'fastify',
      "import type { Client } from '@okta/okta-sdk-nodejs';": '@okta/okta-sdk-nodejs',
      "import { MemoryStore } from '../../store/memory.js';": '../../store/memory.js',
      "export * from '../../http/app.js';": '../../http/app.js',
      "const h = await import('node:http');": 'node:http',
      "const r = require('ioredis');": 'ioredis',
      "type D = import('better-sqlite3').Database;": 'better-sqlite3',
      "import { readFileSync } from 'node:fs';": 'node:fs',
      "import x = require('../../okta/client.js');": '../../okta/client.js',
      'const m = await import(name);': '<dynamic>',
    };
    for (const [src, spec] of Object.entries(cases)) assert.deepEqual(violations(f, src), [spec], src);
    assert.deepEqual(violations(f, "import { createHash } from 'node:crypto';\nimport type { Store } from '../ports.js';"), []);
  });
});
