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
// command line; their diagnostics taken from an earlier program when it is
// sure to find the same ones, see shareLibChecks, or, when an earlier
// process found none, from TSC_PROGRAMS_CACHE, see libCleanKey) and emits as tsc does,
// in tsc's order (emitFilesAndReportErrors). Diagnostics are printed as
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
const sharedId = new WeakMap(); // such a SourceFile -> its number
const libChecks = new Map(); // libChecksKey -> Map(library file -> diagnostics)

// The type check of the library files, shared as their parse is. What a
// library file's check reports depends only on the global scope it is
// checked in and on the options: its names resolve among the globals, and
// it imports nothing. tsc checks the library files first (they come first
// in the program's files), with a new checker. So two programs with the
// same library SourceFiles in the same order, the same options but for
// where and whether they write their output, and no other file that adds
// to the global scope (every other file a TypeScript module: no script, no
// `declare global`, no module augmentation, no `export as namespace`) find
// the same diagnostics in them: the second program takes the first one's
// instead of checking them again (about 1 s CPU a program, most of a small
// program's cost; lib.dom.d.ts alone is 0.7 of it). Any other program checks
// them itself. Returns the key, or null.
//
// Only a program that writes no declarations takes them: a program whose
// checker did not check the library files creates their types in another
// order, and a union's members are printed in the order their types were
// created, which a .d.ts file would show (JavaScript shows no type). One
// that writes declarations still checks them and keeps its findings.
const outputOnly = new Set(['outDir', 'rootDir', 'declarationDir', 'configFilePath', 'configFile', 'pathsBasePath',
    'noEmit', 'declaration', 'emitDeclarationOnly', 'declarationMap', 'sourceMap']);
function libChecksKey(program) {
    const options = program.getCompilerOptions();
    if (options.skipLibCheck || options.skipDefaultLibCheck) return null; // nothing to check
    const ids = [];
    for (const sf of program.getSourceFiles()) {
        if (program.isSourceFileDefaultLibrary(sf)) {
            const id = sharedId.get(sf);
            if (id === undefined) return null;
            ids.push(id);
        } else if (!ts.isExternalModule(sf) || ts.isSourceFileJS(sf) || sf.moduleAugmentations.length ||
                   (sf.symbol && sf.symbol.globalExports) || (sf.patternAmbientModules && sf.patternAmbientModules.length)) {
            return null;
        }
    }
    const opts = Object.keys(options).filter((k) => !outputOnly.has(k)).sort().map((k) => [k, options[k]]);
    return JSON.stringify([opts, ids]);
}
// The same sharing between processes (the test families of a run, and later
// runs), for the common case only: an earlier program found no diagnostic
// in the library files (the default libraries: what KEY hashes). Such a
// program leaves an empty file
// TSC_PROGRAMS_CACHE/ok-tslib-KEY (the folder of tests/lib.sh's result
// cache, result_passed: only passes are kept); KEY, the
// sha256 of TypeScript's version, of each library file's name, parse
// options and text (in the program's order), and of the options. The
// options are compared without those that cannot change what a declaration
// file's check reports, so that a project's tsconfig with them and a
// test's without share the result: noImplicitReturns and
// noFallthroughCasesInSwitch (function bodies and switch statements, which
// .d.ts files have none of), forceConsistentCasingInFileNames (file names,
// reported by the program, not by the check of a file), and skipLibCheck
// or skipDefaultLibCheck set to false (the default). The other conditions
// are libChecksKey's (a non-null in-process key), and only a program that
// writes no declarations takes the result. Returns the KEY, or null.
const cacheDir = process.env.TSC_PROGRAMS_CACHE || '';
const noLibEffect = new Set(['noImplicitReturns', 'noFallthroughCasesInSwitch', 'forceConsistentCasingInFileNames']);
const textHash = new WeakMap(); // library SourceFile -> sha256 of its text
function libCleanKey(program) {
    if (!cacheDir) return null;
    const crypto = require('crypto');
    const options = program.getCompilerOptions();
    const h = crypto.createHash('sha256');
    h.update(`tslib 1 ${ts.version}\n`);
    for (const sf of program.getSourceFiles()) {
        if (!program.isSourceFileDefaultLibrary(sf)) continue;
        let t = textHash.get(sf);
        if (!t) { t = crypto.createHash('sha256').update(sf.text).digest('hex'); textHash.set(sf, t); }
        h.update(`${path.basename(sf.fileName)} ${sf.languageVersion} ${sf.impliedNodeFormat} ${sf.jsDocParsingMode} ${t}\n`);
    }
    const opts = Object.keys(options).filter((k) => !outputOnly.has(k) && !noLibEffect.has(k) &&
        !((k === 'skipLibCheck' || k === 'skipDefaultLibCheck') && options[k] === false)).sort().map((k) => [k, options[k]]);
    h.update(JSON.stringify(opts));
    return h.digest('hex').slice(0, 32);
}
function libCleanFile(key) { return path.join(cacheDir, `ok-tslib-${key}`); }

// Makes the program's checker take the library files' diagnostics from an
// earlier program with the same key, or keep them for later programs.
// Returns what to call once the program is done.
function shareLibChecks(program) {
    const key = libChecksKey(program);
    if (key === null) return () => {};
    const options = program.getCompilerOptions();
    const writesDeclarations = !options.noEmit && ts.getEmitDeclarations(options);
    const cleanKey = libCleanKey(program);
    let known = writesDeclarations ? undefined : libChecks.get(key);
    if (!known && !writesDeclarations && cleanKey) {
        // Found clean by an earlier process: no diagnostic in any library file.
        try {
            const now = new Date();
            fs.utimesSync(libCleanFile(cleanKey), now, now);
            known = new Map(program.getSourceFiles().filter((sf) => sharedId.has(sf) && program.isSourceFileDefaultLibrary(sf))
                .map((sf) => [sf.fileName, []]));
        } catch (e) { /* not there: checked below */ }
    }
    const found = new Map();
    const checker = program.getTypeChecker();
    const check = checker.getDiagnostics;
    checker.getDiagnostics = function (sf, ...rest) {
        if (!sf || !sharedId.has(sf) || rest[1]) return check.call(this, sf, ...rest);
        if (known && known.has(sf.fileName)) return known.get(sf.fileName);
        const d = check.call(this, sf, ...rest);
        found.set(sf.fileName, d.slice());
        return d;
    };
    // The emit of the whole program first checks every file (a no-op for
    // those already checked): the files but the library ones, when their
    // diagnostics were taken.
    const resolver = checker.getEmitResolver;
    checker.getEmitResolver = function (sf, token, skip) {
        if (!known || sf || skip) return resolver.call(this, sf, token, skip);
        for (const f of program.getSourceFiles()) if (!sharedId.has(f)) check.call(this, f, token);
        return resolver.call(this, sf, token, true);
    };
    return () => {
        // Kept only when every library file was checked (tsc skips the
        // semantic check after a syntax or global error).
        const all = program.getSourceFiles().every((sf) => !sharedId.has(sf) || found.has(sf.fileName));
        if (!libChecks.has(key) && all) libChecks.set(key, found);
        const libs = program.getSourceFiles().filter((sf) => program.isSourceFileDefaultLibrary(sf));
        if (cleanKey && libs.length && libs.every((sf) => sharedId.has(sf) && found.has(sf.fileName) && found.get(sf.fileName).length === 0)) {
            try {
                fs.mkdirSync(cacheDir, { recursive: true });
                fs.writeFileSync(libCleanFile(cleanKey), '');
            } catch (e) { /* a cache that cannot be written keeps nothing */ }
        }
    };
}
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
            if (!sf) {
                sf = own(file, opts, onError, create);
                if (sf) { shared.set(key, sf); sharedId.set(sf, shared.size); }
            }
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
        const done = shareLibChecks(program);
        const diags = ts.emitFilesAndReportErrors(program, () => {}).diagnostics;
        done();
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
