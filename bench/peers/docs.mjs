// bench/peers/docs.mjs CATALOGUE OUTDIR - the AsyncAPI generator (3.x has no
// CLI of its own) with @asyncapi/markdown-template, as `asyncapi generate fromTemplate`
// would run it. Needs Node >= 24 and NODE_PATH = the global npm root (the generator
// resolves npm with requireg when it loads). compile stays at its default (true), as
// the CLI runs it: the template's JSX is transpiled into its __transpiled/ every run.
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const Generator = require('@asyncapi/generator');
const [catalogue, outDir] = process.argv.slice(2);
if (!catalogue || !outDir) {
  console.error('usage: docs.mjs CATALOGUE OUTDIR');
  process.exit(2);
}
const template = path.dirname(require.resolve('@asyncapi/markdown-template/package.json'));
const generator = new Generator(template, path.resolve(outDir), { forceWrite: true });
await generator.generateFromFile(path.resolve(catalogue));
