import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { internalMembers } from '../packages/client/scripts/bundle-options.mjs';
import { declarations } from './support/declarations.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The names of every member declared in `text` (properties, methods, accessors, enum members, object keys). */
function memberNames(file: string, text: string): Set<string> {
  return membersOf(ts.createSourceFile(file, text, ts.ScriptTarget.Latest));
}

/** The names of every member declared under `root`. */
function membersOf(root: ts.Node, names = new Set<string>()): Set<string> {
  const visit = (node: ts.Node): void => {
    if (
      (ts.isPropertySignature(node) ||
        ts.isMethodSignature(node) ||
        ts.isPropertyDeclaration(node) ||
        ts.isMethodDeclaration(node) ||
        ts.isGetAccessor(node) ||
        ts.isSetAccessor(node) ||
        ts.isPropertyAssignment(node) ||
        ts.isShorthandPropertyAssignment(node) ||
        ts.isEnumMember(node)) &&
      (ts.isIdentifier(node.name) || ts.isStringLiteral(node.name))
    ) {
      names.add(node.name.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(root);
  return names;
}

const union = (sets: Iterable<Set<string>>) => new Set([...sets].flatMap((set) => [...set]));

/**
 * The members of every declaration a package's index.d.ts exports (following its `export … from`
 * into the package's other .d.ts files): what a page can reach by name.
 */
function publicMembers(files: Map<string, string>): Set<string> {
  const names = new Set<string>();
  const visit = (file: string, wanted: ReadonlySet<string> | 'all') => {
    const source = ts.createSourceFile(file, files.get(file) ?? '', ts.ScriptTarget.Latest);
    for (const statement of source.statements) {
      if (
        ts.isExportDeclaration(statement) &&
        statement.moduleSpecifier &&
        ts.isStringLiteral(statement.moduleSpecifier)
      ) {
        const target = statement.moduleSpecifier.text;
        if (!target.startsWith('.') || !statement.exportClause || !ts.isNamedExports(statement.exportClause)) continue;
        const picked = statement.exportClause.elements
          .filter((e) => wanted === 'all' || wanted.has(e.name.text))
          .map((e) => (e.propertyName ?? e.name).text);
        visit(join(dirname(file), target).replace(/\.js$/, '.d.ts'), new Set(picked));
      } else if (
        (ts.isClassDeclaration(statement) ||
          ts.isInterfaceDeclaration(statement) ||
          ts.isTypeAliasDeclaration(statement) ||
          ts.isEnumDeclaration(statement) ||
          ts.isFunctionDeclaration(statement)) &&
        statement.name &&
        (wanted === 'all' || wanted.has(statement.name.text))
      ) {
        membersOf(statement, names);
      } else if (ts.isVariableStatement(statement)) {
        for (const declaration of statement.declarationList.declarations) {
          if (ts.isIdentifier(declaration.name) && (wanted === 'all' || wanted.has(declaration.name.text))) {
            membersOf(declaration, names);
          }
        }
      }
    }
  };
  visit('index.d.ts', 'all');
  return names;
}

/** The .ts sources of a package, tests and test kits left out: what the bundle is made of. */
function sources(pkg: string): Map<string, string> {
  const dir = join(root, 'packages', pkg, 'src');
  const out = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isFile() && path.endsWith('.ts') && !/\.test(-d)?\.ts$/.test(path) && !path.includes('/testing/')) {
      out.set(path, readFileSync(path, 'utf8'));
    }
  }
  return out;
}

/**
 * esbuild renames the members listed in scripts/bundle-options.mjs in the browser bundle, on
 * every object the bundle itself makes. That is safe only for a member no other code reads or
 * writes under its own name: these tests are the conditions, checked name by name.
 */
describe('members the browser bundle shortens', () => {
  it('are named by no public type of core or the client, where a page could reach them', () => {
    const published = union([publicMembers(declarations('core')), publicMembers(declarations('client'))]);
    expect(internalMembers.filter((name) => published.has(name))).toEqual([]);
  });

  it("are no member of the DOM's, ECMAScript's or Node's built-ins, as their .d.ts declare them", () => {
    const require = createRequire(import.meta.url);
    const lib = dirname(require.resolve('typescript/lib/lib.d.ts'));
    const node = dirname(require.resolve('@types/node/package.json'));
    const files = [
      ...readdirSync(lib)
        .filter((file) => /^lib\..*\.d\.ts$/.test(file))
        .map((file) => join(lib, file)),
      ...readdirSync(node, { recursive: true, encoding: 'utf8' })
        .filter((file) => file.endsWith('.d.ts'))
        .map((file) => join(node, file)),
    ];
    const builtins = union(files.map((file) => memberNames(file, readFileSync(file, 'utf8'))));
    expect(internalMembers.filter((name) => builtins.has(name))).toEqual([]);
  });

  it('are no field of the wire protocol', () => {
    // Its fields are written in JSON, in braces (`{ id }`), or as code: the words of those spans.
    const protocol = readFileSync(join(root, 'docs/protocol.md'), 'utf8');
    const spans = protocol.match(/"[^"\n]*"|`[^`\n]*`|\{[^}\n]*\}/g) ?? [];
    const fields = new Set(spans.flatMap((span) => span.match(/[A-Za-z_$][\w$]*/g) ?? []));
    expect(internalMembers.filter((name) => fields.has(name))).toEqual([]);
  });

  it('are no member of a Service or what it holds, which a page may make with another copy of core', () => {
    const core = sources('core');
    const held = ['service.ts', 'methods.ts', 'middleware.ts'].map((file) => {
      const path = join(root, 'packages/core/src', file);
      return memberNames(path, core.get(path)!);
    });
    expect(internalMembers.filter((name) => union(held).has(name))).toEqual([]);
  });

  it('are never written as a string (a quoted key, `in`, obj[name]), which esbuild would leave as it is', () => {
    const quoted: string[] = [];
    for (const [file, text] of [...sources('core'), ...sources('client')]) {
      const visit = (node: ts.Node): void => {
        if (
          (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) &&
          internalMembers.includes(node.text)
        ) {
          quoted.push(`${file}: ${node.text}`);
        }
        ts.forEachChild(node, visit);
      };
      visit(ts.createSourceFile(file, text, ts.ScriptTarget.Latest));
    }
    expect(quoted).toEqual([]);
  });
});
