// node tscheck.cjs TYPESCRIPT-DIR
// asyncapi-examples' TypeScript check (run.sh): `tsc -p . --pretty false`
// in the current folder, whose tsconfig.json takes every DOC/**/*.ts (one
// folder per document, the generated src/, each file a module) with the
// generated tsconfig's options and noEmit. The same program and options as
// tsc; diagnostics printed as `tsc --pretty false` prints them (sorted,
// file names relative to here); exits 0, 1 when there is an error, 2 on a
// bad tsconfig.json. Differences:
//
// - Every file's type check is reported, also when another file has a
//   syntax error (tsc then leaves out every semantic check: one document's
//   syntax error would hide the others' type errors).
//
// - A file is type-checked once per key: the file and every file it imports
//   (followed; modules resolved as the program resolves them), each with the
//   document's prefix set aside, and the name of each in its document's
//   folder. The transports, errors.ts and transport.ts of the documents are
//   one text but for the prefix (the class names: AnyOfExampleClientError,
//   NotExampleClientError) and the first line (`// Code generated ... from
//   <title>`), and the v2 and v3 forms of an example share more: of the 363
//   files, 150 are checked (the program's CPU: 9.4 s as tsc, 8.2 s here;
//   the transports were a third of the type check of the documents' files).
//   The key's first file is checked; when it has a diagnostic, every file
//   of its key is checked too (the real errors, at their places, in each
//   document). A file's diagnostics depend only on its text, the files it
//   imports and the global scope, so two files whose texts and imports are
//   the same but for a consistent renaming of identifiers that nothing else
//   names have the same ones. Hence the
//   conditions, each of which, unmet, keeps the text as it is:
//     - the prefix P is the name before "ClientError" of the class of the
//       document's errors.ts that extends Error, [A-Z][A-Za-z0-9]*; it is set
//       aside (as @P) where it starts a word and a capital follows (P then
//       begins an identifier, or the same text in a string);
//     - no file of the document holds '@P' (the text set aside gives back
//       the original, given P, so equal keys mean texts equal but for P);
//     - no other file of the program (TypeScript's library files: the
//       global scope) holds P anywhere, so no renamed name meets a global;
//     - no file of the document has a template literal type or names
//       Uppercase, Lowercase, Capitalize or Uncapitalize (the only types
//       that read the letters of a string);
//     - no file of the document has an escape (\uXXXX, \u{X}, \xXX) that
//       stands for a letter or digit (a name or string spelt with one is
//       the same as one spelt plainly, which the renaming would tell apart);
//     - the first line is left out only when it is a `//` comment without
//       '@' and not `///` (no pragma, no directive).
//   And no dedup at all unless every file of the documents is a module
//   that adds nothing to the global scope (no script, no `declare global`,
//   no module augmentation, no triple-slash reference).
//
// Prints "# tscheck: N files, K type-checked ..." last.
'use strict';
const path = require('path');
const crypto = require('crypto');
const ts = require(path.join(process.argv[2], 'lib', 'typescript.js'));

const cwd = process.cwd();
const fmt = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => cwd, getNewLine: () => '\n' };
let bad = null;
const parsed = ts.getParsedCommandLineOfConfigFile(path.resolve('tsconfig.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => { bad = d; },
});
if (bad || !parsed) {
    if (bad) process.stdout.write(ts.formatDiagnostics([bad], fmt));
    process.exitCode = 2;
    return;
}
// The host as tsc's makes it (JSDoc parsed only where it can make a type error).
const host = ts.createCompilerHost(parsed.options);
host.jsDocParsingMode = ts.JSDocParsingMode.ParseForTypeErrors;
const program = ts.createProgram({
    rootNames: parsed.fileNames,
    options: parsed.options,
    projectReferences: parsed.projectReferences,
    host,
    configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(parsed),
});

const diags = [...program.getConfigFileParsingDiagnostics(), ...program.getSyntacticDiagnostics(),
    ...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
const files = program.getSourceFiles();
const user = new Set(files.filter((sf) => !program.isSourceFileDefaultLibrary(sf) && !sf.isDeclarationFile));
const docOf = (sf) => path.relative(cwd, sf.fileName).split(path.sep)[0];
// (a file's name within its document's folder)
const inDoc = (sf) => path.relative(path.join(cwd, docOf(sf)), sf.fileName);

// Can files be checked once per key at all?
let dedup = typeof program.getResolvedModuleFromModuleSpecifier === 'function';
for (const sf of user) {
    if (!ts.isExternalModule(sf) || sf.moduleAugmentations.length || (sf.symbol && sf.symbol.globalExports) ||
        sf.referencedFiles.length || sf.typeReferenceDirectives.length || sf.libReferenceDirectives.length) dedup = false;
}
if (files.some((sf) => !user.has(sf) && !program.isSourceFileDefaultLibrary(sf))) dedup = false; // (no other .d.ts expected)

// Each document's prefix, when it may be set aside.
const others = files.filter((sf) => !user.has(sf)).map((sf) => sf.text);
const byDoc = new Map();
for (const sf of user) {
    const d = docOf(sf);
    if (!byDoc.has(d)) byDoc.set(d, []);
    byDoc.get(d).push(sf);
}
function readsLetters(sf) {
    if (/\b(Uppercase|Lowercase|Capitalize|Uncapitalize)\b/.test(sf.text)) return true;
    if (!sf.text.includes('`')) return false;
    let found = false;
    const visit = (n) => {
        if (found) return;
        if (n.kind === ts.SyntaxKind.TemplateLiteralType) { found = true; return; }
        ts.forEachChild(n, visit);
    };
    visit(sf);
    return found;
}
const alnumEscape = /\\(u\{?0*|x)(3[0-9]|4[1-9a-fA-F]|5[0-9aA]|6[1-9a-fA-F]|7[0-9aA])/;
const prefixOf = new Map();
for (const [d, sfs] of byDoc) {
    const errs = sfs.find((sf) => inDoc(sf) === 'errors.ts');
    const m = errs && /^export class ([A-Z][A-Za-z0-9]*)ClientError extends Error\b/m.exec(errs.text);
    if (!m) continue;
    const p = m[1];
    if (sfs.some((sf) => sf.text.includes('@P') || alnumEscape.test(sf.text) || readsLetters(sf))) continue;
    if (others.some((t) => t.includes(p))) continue;
    prefixOf.set(d, p);
}
const normal = new Map();
function normalText(sf) {
    let t = normal.get(sf);
    if (t !== undefined) return t;
    t = sf.text;
    const nl = t.indexOf('\n');
    if (nl > 0 && /^\/\/(?!\/)[^@\n]*$/.test(t.slice(0, nl))) t = t.slice(nl);
    const p = prefixOf.get(docOf(sf));
    if (p) t = t.replace(new RegExp('\\b' + p + '(?=[A-Z])', 'g'), '@P');
    normal.set(sf, t);
    return t;
}
const keyOf = new Map();
function key(sf) {
    let k = keyOf.get(sf);
    if (k) return k;
    const h = crypto.createHash('sha256');
    const seen = new Set([sf]);
    const queue = [sf];
    while (queue.length) {
        const f = queue.shift();
        const t = normalText(f);
        h.update(`== ${inDoc(f)} ${Buffer.byteLength(t)}\n${t}\n`);
        for (const imp of f.imports) {
            const r = program.getResolvedModuleFromModuleSpecifier(imp, f);
            const to = r && r.resolvedModule && program.getSourceFile(r.resolvedModule.resolvedFileName);
            if (to && user.has(to) && docOf(to) === docOf(f)) {
                h.update(`import ${JSON.stringify(imp.text)} -> ${inDoc(to)}\n`);
                if (!seen.has(to)) { seen.add(to); queue.push(to); }
            } else {
                // (outside the document: named by where it is, the same place for every document)
                h.update(`import ${JSON.stringify(imp.text)} -> ${to ? to.fileName : 'unresolved'}\n`);
            }
        }
    }
    k = h.digest('hex');
    keyOf.set(sf, k);
    return k;
}

// Library files first, then the documents' files in the program's order.
for (const sf of files) if (!user.has(sf)) diags.push(...program.getSemanticDiagnostics(sf));
const first = new Map(); // key -> [its first file's diagnostics, the files that share it]
let checked = 0;
for (const sf of user) {
    const k = dedup ? key(sf) : sf.fileName;
    const f = first.get(k);
    if (f) { f[1].push(sf); continue; }
    const d = program.getSemanticDiagnostics(sf);
    checked++;
    diags.push(...d);
    first.set(k, [d, []]);
}
let again = 0;
for (const [d, rest] of first.values()) {
    if (!d.length) continue;
    for (const sf of rest) { diags.push(...program.getSemanticDiagnostics(sf)); again++; }
}
const all = ts.sortAndDeduplicateDiagnostics(diags);
if (all.length) process.stdout.write(ts.formatDiagnostics(all, fmt));
if (all.some((d) => d.category === ts.DiagnosticCategory.Error)) process.exitCode = 1;
console.log(`# tscheck: ${user.size} files, ${checked} type-checked once per key (${first.size} keys, ${prefixOf.size} of ${byDoc.size} documents' prefixes set aside${dedup ? '' : '; keys off'}), ${again} again beside a key's file with diagnostics`);
