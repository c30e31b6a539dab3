// node tsc_programs.cjs TYPESCRIPT-DIR [--skipLibCheck] [--per-config] CONFIG...
// node tsc_programs.cjs TYPESCRIPT-DIR --serve SERVER-DIR PARENT-PID
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
//
// With --serve, the process stays up and compiles the requests of one test
// family, each as a run of the first form would (ts_programs in tests/lib.sh
// writes them): a family's programs then share one start of node and
// TypeScript and one parse of the library files (a second program in the
// process costs about half of the first: 3 s CPU of a small package's 6 s),
// not only the programs of one call. SERVER-DIR holds two FIFOs: `in`, one
// request a line (RESULT-FILE, DIRECTORY, then the arguments, separated by
// tabs), and `out`, where the exit status of each request is written as a
// line once its output is in RESULT-FILE. The process ends when PARENT-PID
// (the family's shell) is gone, or on SIGTERM (ts_server_stop).
'use strict';
const fs = require('fs');
const path = require('path');
const [tsdir, ...rest] = process.argv.slice(2);
// TypeScript is loaded at the first compile (0.4 s CPU here): a family's
// server that every build of finds in the cache never loads it.
let ts, libDir;
function loadTs() {
    if (ts) return;
    ts = require(path.join(tsdir, 'lib', 'typescript.js'));
    // ts.sys remembers the first directory it is asked for; a server changes
    // directory for each request (each compiler host remembers its own).
    ts.sys.getCurrentDirectory = () => process.cwd();
    libDir = path.dirname(ts.getDefaultLibFilePath({}));
}
const shared = new Map(); // library file + parse options -> SourceFile
const fmt = {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => process.cwd(),
    getNewLine: () => '\n',
};

// Compiles the configs of one command line (relative to the current
// directory); returns the text tsc would print and the exit status.
function run(args) {
    loadTs();
    const extra = {};
    let perConfig = false;
    const configs = [];
    for (const a of args) {
        if (a === '--skipLibCheck') extra.skipLibCheck = true;
        else if (a === '--per-config') perConfig = true;
        else configs.push(a);
    }
    let out = '';
    let status = 0;
    for (const cfg of configs) {
        let bad = null;
        const parsed = ts.getParsedCommandLineOfConfigFile(cfg, extra, {
            ...ts.sys,
            onUnRecoverableConfigFileDiagnostic: (d) => { bad = d; },
        });
        if (bad || !parsed) {
            if (bad) out += ts.formatDiagnostics([bad], fmt);
            return { out, status: 2 };
        }
        // The host as tsc's performCompilation makes it: JSDoc in TypeScript
        // files parsed only where it can make a type error (tsc's default;
        // the API's default parses it all, 0.2 s a program), and what the
        // program's creation reads kept for the creation.
        const host = ts.createCompilerHost(parsed.options);
        host.jsDocParsingMode = ts.JSDocParsingMode.ParseForTypeErrors;
        const own = host.getSourceFile;
        host.getSourceFile = (file, opts, onError, create) => {
            if (path.dirname(path.resolve(file)) !== libDir) return own(file, opts, onError, create);
            const o = typeof opts === 'object' ? opts : { languageVersion: opts };
            const key = file + '\0' + o.languageVersion + '\0' + o.impliedNodeFormat + '\0' + o.jsDocParsingMode;
            let sf = shared.get(key);
            if (!sf) { sf = own(file, opts, onError, create); shared.set(key, sf); }
            return sf;
        };
        if (ts.changeCompilerHostLikeToUseCache) ts.changeCompilerHostLikeToUseCache(host, (f) => ts.toPath(f, host.getCurrentDirectory(), host.getCanonicalFileName));
        const program = ts.createProgram({
            rootNames: parsed.fileNames,
            options: parsed.options,
            projectReferences: parsed.projectReferences,
            host,
            configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(parsed),
        });
        // tsc's own sequence (emitFilesAndReportErrors): syntax, options and
        // global diagnostics, then the semantic ones (only when those found
        // nothing), then the emit, each file's type check before its emit.
        const diags = ts.emitFilesAndReportErrors(program, () => {}).diagnostics;
        if (diags.length) out += ts.formatDiagnostics(diags, fmt);
        const failed = diags.some((d) => d.category === ts.DiagnosticCategory.Error);
        if (failed) status = 1;
        if (perConfig) out += `== ${cfg} exit ${failed ? 1 : 0}\n`;
    }
    return { out, status };
}

function serve(dir, parent) {
    // Both FIFOs are opened read-write, so that neither open waits for the
    // other side: a request written while we compile waits in the pipe, and
    // a status line is only a few bytes (the output goes to a file), so
    // writing it never blocks, whether or not the caller still reads.
    const inFd = fs.openSync(path.join(dir, 'in'), 'r+');
    const outFd = fs.openSync(path.join(dir, 'out'), 'r+');
    const alive = () => { try { process.kill(parent, 0); return true; } catch (e) { return false; } };
    // Not process.exit: it would wait for the libuv thread blocked in the
    // read of the FIFO, for ever.
    setInterval(() => { if (!alive()) process.kill(process.pid, 'SIGKILL'); }, 1000);
    let pending = '';
    fs.createReadStream(null, { fd: inFd, encoding: 'utf8' }).on('data', (chunk) => {
        pending += chunk;
        let nl;
        while ((nl = pending.indexOf('\n')) >= 0) {
            const [result, cwd, ...args] = pending.slice(0, nl).split('\t');
            pending = pending.slice(nl + 1);
            let r;
            try {
                process.chdir(cwd);
                r = run(args);
            } catch (e) {
                r = { out: `tsc_programs.cjs: ${e && e.stack || e}\n`, status: 2 };
            }
            fs.writeFileSync(result, r.out);
            fs.writeSync(outFd, `${r.status}\n`);
        }
    });
}

if (rest[0] === '--serve') {
    serve(rest[1], Number(rest[2]));
} else {
    const r = run(rest);
    process.stdout.write(r.out);
    process.exit(r.status);
}
