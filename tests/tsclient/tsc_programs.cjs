// node tsc_programs.cjs TYPESCRIPT-DIR [--skipLibCheck] [--per-config] CONFIG...
// Compiles each CONFIG (a tsconfig.json path) as `tsc -p CONFIG` would, one
// program after the other, in one node process: one start of node and of
// TypeScript (0.6 s CPU here) instead of one per config, and the library
// files (lib.es2022.d.ts, lib.dom.d.ts: parsed and bound, 1.7 s a program)
// read once and shared by the programs whose options parse them alike, as a
// language service's document registry shares them. Each program is still
// type-checked whole with its own options (the libraries too, unless
// --skipLibCheck, which is added to every config's options as on tsc's
// command line) and emits as tsc does. Diagnostics are printed as
// `tsc --pretty false` prints them; exits 1 when any program has an error
// (like tsc, after emitting what it could), 2 on a bad config. With
// --per-config, each program's diagnostics end with a line
// "== CONFIG exit 0" (or 1), so that a caller tells the programs apart.
'use strict';
const path = require('path');
const [tsdir, ...rest] = process.argv.slice(2);
const ts = require(path.join(tsdir, 'lib', 'typescript.js'));
const extra = {};
let perConfig = false;
const configs = [];
for (const a of rest) {
    if (a === '--skipLibCheck') extra.skipLibCheck = true;
    else if (a === '--per-config') perConfig = true;
    else configs.push(a);
}
const libDir = path.dirname(ts.getDefaultLibFilePath({}));
const shared = new Map(); // library file + parse options -> SourceFile
const fmt = {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => process.cwd(),
    getNewLine: () => '\n',
};
let status = 0;
for (const cfg of configs) {
    const parsed = ts.getParsedCommandLineOfConfigFile(cfg, extra, {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => {
            process.stdout.write(ts.formatDiagnostics([d], fmt));
            process.exit(2);
        },
    });
    const host = ts.createCompilerHost(parsed.options);
    const own = host.getSourceFile;
    host.getSourceFile = (file, opts, onError, create) => {
        if (path.dirname(path.resolve(file)) !== libDir) return own(file, opts, onError, create);
        const o = typeof opts === 'object' ? opts : { languageVersion: opts };
        const key = file + '\0' + o.languageVersion + '\0' + o.impliedNodeFormat + '\0' + o.jsDocParsingMode;
        let sf = shared.get(key);
        if (!sf) { sf = own(file, opts, onError, create); shared.set(key, sf); }
        return sf;
    };
    const program = ts.createProgram({
        rootNames: parsed.fileNames,
        options: parsed.options,
        projectReferences: parsed.projectReferences,
        host,
        configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(parsed),
    });
    const emitted = program.emit();
    const diags = ts.sortAndDeduplicateDiagnostics(ts.getPreEmitDiagnostics(program).concat(emitted.diagnostics));
    if (diags.length) process.stdout.write(ts.formatDiagnostics(diags, fmt));
    const failed = diags.some((d) => d.category === ts.DiagnosticCategory.Error);
    if (failed) status = 1;
    if (perConfig) process.stdout.write(`== ${cfg} exit ${failed ? 1 : 0}\n`);
}
process.exit(status);
