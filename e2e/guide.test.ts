import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

// docs/guide.md, run: every ```ts block runs unless its fence says `ts no-run`; the blocks of one
// `## ` section run in order as one module (so a section's first blocks can set up for the
// rest), in a file of its own under e2e/.guide/, which is also type-checked as a whole.
const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}e2e/.guide/`;

interface Section {
  title: string;
  code: string[];
}

/** The sections of a Markdown text with their runnable ```ts blocks, in order. */
function runnableSections(markdown: string): Section[] {
  const sections: Section[] = [];
  let section: Section | undefined;
  let block: string[] | undefined;
  let runs = false;
  for (const line of markdown.split('\n')) {
    if (block) {
      if (line.startsWith('```')) {
        if (runs) section?.code.push(block.join('\n'));
        block = undefined;
      } else block.push(line);
      continue;
    }
    const fence = /^```(\S*)\s*(.*)$/.exec(line);
    if (fence) {
      block = [];
      runs = fence[1] === 'ts' && !/\bno-run\b/.test(fence[2] ?? '');
      if (runs && !section) throw new Error('docs/guide.md: a runnable ```ts block before the first ## section');
    } else if (line.startsWith('## ')) {
      section = { title: line.slice(3).trim(), code: [] };
      sections.push(section);
    }
  }
  if (block) throw new Error('docs/guide.md: a code block is not closed');
  return sections.filter((s) => s.code.length > 0);
}

const slug = (title: string) =>
  title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/** The names a package entry point exports: `export { a, b as c } from` and `export type { ... }`. */
function exportedNames(source: string): string[] {
  return [...source.matchAll(/export (?:type )?\{([^}]*)\}/g)].flatMap((m) =>
    m[1]!
      .split(',')
      .map((name) =>
        name
          .trim()
          .split(/\s+as\s+/)
          .pop()!
          .trim(),
      )
      .filter((name) => name !== ''),
  );
}

const guide = readFileSync(`${root}docs/guide.md`, 'utf8');
const sections = runnableSections(guide);
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const files = sections.map((section, i) => {
  const file = `${out}${String(i + 1).padStart(2, '0')}-${slug(section.title)}.ts`;
  writeFileSync(file, `${section.code.join('\n\n')}\n\nexport {};\n`);
  return file;
});
writeFileSync(
  `${out}tsconfig.json`,
  JSON.stringify({
    extends: '../../tsconfig.json',
    compilerOptions: { noEmit: true, types: ['node'] },
    include: ['*.ts'],
  }),
);

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('docs/guide.md', () => {
  it('has runnable sections', () => {
    expect(sections.length).toBeGreaterThan(10);
  });

  it('names every export of every entry point, testing tools included', () => {
    const missing: string[] = [];
    for (const pkg of readdirSync(`${root}packages`)) {
      for (const entry of ['src/index.ts', 'src/testing/index.ts']) {
        let source: string;
        try {
          source = readFileSync(`${root}packages/${pkg}/${entry}`, 'utf8');
        } catch {
          continue;
        }
        for (const name of exportedNames(source))
          if (!guide.includes(`\`${name}\``)) missing.push(`${pkg}/${entry}: ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('type-checks as written', async () => {
    const tsc = `${root}node_modules/typescript/bin/tsc`;
    const result = await promisify(execFile)(process.execPath, [tsc, '-p', `${out}tsconfig.json`], {
      timeout: 120_000,
    }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? String(error) }));
    expect(result.stdout.replaceAll(out, 'e2e/.guide/')).toBe('');
  }, 150_000);

  sections.forEach((section, i) => {
    it(`runs "${section.title}"`, async () => {
      await import(pathToFileURL(files[i]!).href);
    });
  });
});
