import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/chromium.js';
import {
  bin,
  exec,
  installConsumer,
  packAll,
  removeConsumer,
  startNode,
  writeExportsModule,
  type Packed,
} from './support/consumer.js';

// Installs the packages as a stranger would: packed as publishing makes them, installed by npm
// into a project outside the workspace, and used there only through their published entry points.
// Packing and installing happen once; every test below reads the same tarballs and project.
// It packs the built dist/ as it is: run `pnpm build` first (`pnpm test` does).

const packagesDir = fileURLToPath(new URL('../packages/', import.meta.url));

let packDir: string;
let consumer: string;
let packed: Packed[];
let server: ChildProcess | undefined;
let serverUrl: string;
/** The checks that need only the tarballs or the installed project, started at once to overlap the Node compile. */
let lintFailures: Promise<string[]>;
let browserCheck: Promise<unknown>;

/** publint (strict) and arethetypeswrong on every tarball; the output of each that failed. */
async function lint(): Promise<string[]> {
  const checks = packed.flatMap(({ tarball }) => [
    exec(bin('publint'), ['run', tarball, '--strict'], packDir),
    // ESM only, on purpose: the CommonJS resolutions are not offered.
    exec(bin('attw'), [tarball, '--profile', 'esm-only', '--no-emoji'], packDir),
  ]);
  const results = await Promise.allSettled(checks);
  return results.flatMap((result) => (result.status === 'rejected' ? [String(result.reason)] : []));
}

beforeAll(async () => {
  packDir = await mkdtemp(join(tmpdir(), 'tether-pack-'));
  packed = await packAll(packDir);
  lintFailures = lint();
  consumer = await installConsumer(packed);
  browserCheck = exec(bin('tsc'), ['-p', 'tsconfig.browser.json'], consumer).then(
    () => undefined,
    (error: unknown) => error,
  );
}, 180_000);

afterAll(async () => {
  server?.kill('SIGTERM');
  if (consumer) await removeConsumer(consumer);
  if (packDir) await rm(packDir, { recursive: true, force: true });
});

describe('the packed tarballs', () => {
  it('exist for every package under packages/', async () => {
    const names = await Promise.all(
      (await readdir(packagesDir)).map(
        async (dir) => JSON.parse(await readFile(join(packagesDir, dir, 'package.json'), 'utf8')).name,
      ),
    );
    expect(packed.map((p) => p.name).sort()).toEqual(names.sort());
  });

  it('hold the build, a LICENSE and a README, and no sources or tests', () => {
    for (const { name, files } of packed) {
      expect(files, name).toEqual(
        expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts']),
      );
      expect(
        files.filter((file) => !/^(dist\/|LICENSE$|README\.md$|package\.json$)/.test(file)),
        name,
      ).toEqual([]);
      expect(
        files.filter((file) => /\.test(-d)?\.|\.map$/.test(file)),
        name,
      ).toEqual([]);
    }
  });

  it('publish no workspace-only resolution condition or range', () => {
    for (const { name, manifest } of packed) {
      const text = JSON.stringify({ exports: manifest.exports, imports: manifest.imports });
      expect(text, name).not.toMatch(/"source"|\.\/src\//);
      expect(JSON.stringify(manifest), name).not.toContain('workspace:');
      expect(manifest, name).toMatchObject({
        type: 'module',
        sideEffects: false,
        license: 'MIT',
        engines: { node: '>=20' },
      });
      expect(manifest['description'], name).toEqual(expect.any(String));
    }
  });

  it('take @tether packages as peers (one core per app) and third-party ones with ^ ranges', () => {
    for (const { name, manifest } of packed) {
      const dependencies = (manifest['dependencies'] ?? {}) as Record<string, string>;
      const peers = (manifest['peerDependencies'] ?? {}) as Record<string, string>;
      expect(
        Object.keys(dependencies).filter((dep) => dep.startsWith('@tether/')),
        name,
      ).toEqual([]);
      expect(
        Object.values(dependencies).filter((range) => !range.startsWith('^')),
        name,
      ).toEqual([]);
      if (name !== '@tether/core') expect(peers['@tether/core'], name).toBe(`^${manifest['version']}`);
    }
  });

  it('pass publint (strict) and arethetypeswrong', async () => {
    expect(await lintFailures).toEqual([]);
  });
});

describe('installed by npm in a project of its own', () => {
  it('type-checks and compiles as a Node project (NodeNext, skipLibCheck false), every export included', async () => {
    const specifiers = await writeExportsModule(consumer, packed);
    expect(specifiers).toEqual(
      expect.arrayContaining([
        '@tether/core',
        '@tether/server',
        '@tether/client',
        '@tether/client/browser',
        '@tether/redis',
      ]),
    );
    await exec(bin('tsc'), ['-p', 'tsconfig.node.json'], consumer);
  });

  it('type-checks as a browser project (lib ES2022 + DOM, bundler resolution, no Node types)', async () => {
    const error = await browserCheck;
    if (error) throw error;
  });

  it('loads every export in Node, even with --conditions=source set', async () => {
    await exec(process.execPath, ['--conditions=source', 'out/all-exports.js'], consumer);
  });

  it('runs a server and a client: a typed call, a subscription, a call from the server', async () => {
    const started = await startNode(consumer, ['out/server-main.js']);
    server = started.child;
    serverUrl = (started.first as { url: string }).url;
    const output = await exec(process.execPath, ['--conditions=source', 'out/client-main.js', serverUrl], consumer);
    expect(JSON.parse(output)).toEqual({ sum: 3, tick: 7, greeting: 'hello node' });
  });

  describe('in Chromium', () => {
    let browser: Browser;
    let http: Server;
    let bundledInputs: string[];

    beforeAll(async () => {
      // The bundles as the installed package's exports map finds them.
      const esm = createRequire(join(consumer, 'package.json')).resolve('@tether/client/browser');
      // And the consumer's browser code as a bundler makes it from the installed packages.
      const app = await build({
        entryPoints: [join(consumer, 'browser', 'app.ts')],
        absWorkingDir: consumer,
        bundle: true,
        platform: 'browser',
        format: 'iife',
        globalName: 'App',
        write: false,
        metafile: true,
        logLevel: 'silent',
      });
      bundledInputs = Object.keys(app.metafile.inputs);
      const files: Record<string, string> = {
        '/app.js': app.outputFiles[0]!.text,
        '/': [
          '<!doctype html><meta charset="utf-8"><title>consumer</title>',
          '<script src="/tether.iife.js"></script><script src="/app.js"></script>',
          '<script type="module">import * as tether from "/tether.esm.js"; window.TetherModule = tether;</script>',
        ].join(''),
        '/tether.esm.js': await readFile(esm, 'utf8'),
        '/tether.iife.js': await readFile(join(dirname(esm), 'tether.iife.js'), 'utf8'),
      };
      http = createHttpServer((request, response) => {
        const body = files[request.url ?? ''];
        if (body === undefined) response.writeHead(404).end();
        else
          response.writeHead(200, { 'Content-Type': request.url === '/' ? 'text/html' : 'text/javascript' }).end(body);
      });
      http.listen(0, '127.0.0.1');
      await once(http, 'listening');
      browser = await launchChromium();
    });

    afterAll(async () => {
      await browser?.close();
      http?.close();
    });

    it('calls the server from the <script> bundle and from @tether/client/browser, and answers its calls', async () => {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${(http.address() as AddressInfo).port}/`);
      await page.waitForFunction(() => 'TetherModule' in window);
      const results = await page.evaluate(async (url) => {
        type Api = { math: { add(a: number, b: number): number }; greet(): string };
        type Module = typeof import('@tether/client');
        const globals = window as unknown as { Tether: Module; TetherModule: Module };
        const fromScript = globals.Tether.connect(url);
        fromScript.register('whoami', () => 'script');
        const client = globals.TetherModule.connect(url);
        client.register('whoami', () => 'module');
        const answers = await Promise.all([
          fromScript.remote<Api>().math.add(2, 3),
          fromScript.remote<Api>().greet(),
          client.remote<Api>().greet(),
        ]);
        await Promise.all([fromScript.close(), client.close()]);
        return answers;
      }, serverUrl);
      expect(results).toEqual([5, 'hello script', 'hello module']);
    });

    it('bundles for the browser from the installed packages without ws, and that bundle calls the server', async () => {
      expect(bundledInputs).toContain('node_modules/@tether/client/dist/socket/browser.js');
      expect(bundledInputs.filter((path) => /node_modules\/ws\/|socket\/node\.js$/.test(path))).toEqual([]);
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${(http.address() as AddressInfo).port}/`);
      const sum = await page.evaluate(
        (url) => (window as unknown as { App: { add(url: string): Promise<number> } }).App.add(url),
        serverUrl,
      );
      expect(sum).toBe(3);
    });
  });
});
