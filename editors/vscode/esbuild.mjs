// Bundles the extension (one file, `vscode` external) or, with --tests, the unit tests.
import * as esbuild from 'esbuild';
import { readdirSync } from 'node:fs';

const tests = process.argv.includes('--tests');
const watch = process.argv.includes('--watch');

const options = tests
  ? {
      entryPoints: readdirSync('src/test')
        .filter((f) => f.endsWith('.test.ts'))
        .map((f) => `src/test/${f}`),
      outdir: 'out/test',
      external: ['vscode'], // the tests cover modules that never import it
    }
  : {
      entryPoints: ['src/extension.ts'],
      outfile: 'out/extension.js',
      external: ['vscode'],
      minify: !watch,
    };

const context = await esbuild.context({
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  sourcemap: true,
  logLevel: 'warning',
  ...options,
});
if (watch) {
  await context.watch();
} else {
  await context.rebuild();
  await context.dispose();
}
