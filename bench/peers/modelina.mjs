// bench/peers/modelina.mjs typescript|python CATALOGUE OUTDIR - Modelina models for
// every payload of an AsyncAPI catalogue, one file per model. The catalogue is
// parsed with @asyncapi/parser from its path, so that split-file $refs resolve.
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const { Parser, fromFile } = require('@asyncapi/parser');
const { TypeScriptFileGenerator, PythonFileGenerator } = require('@asyncapi/modelina');

const [lang, catalogue, outDir] = process.argv.slice(2);
const generators = { typescript: TypeScriptFileGenerator, python: PythonFileGenerator };
if (!generators[lang] || !catalogue || !outDir) {
  console.error('usage: modelina.mjs typescript|python CATALOGUE OUTDIR');
  process.exit(2);
}
const { document, diagnostics } = await fromFile(new Parser(), path.resolve(catalogue)).parse();
if (!document) {
  for (const d of diagnostics.filter((d) => d.severity === 0)) console.error(d.message, d.path.join('/'));
  console.error('modelina.mjs: the AsyncAPI parser rejected ' + catalogue);
  process.exit(1);
}
const options = lang === 'typescript' ? { exportType: 'named' } : {};
const models = await new generators[lang]().generateToFiles(document, path.resolve(outDir), options);
if (models.length === 0) {
  console.error('modelina.mjs: no models generated');
  process.exit(1);
}
