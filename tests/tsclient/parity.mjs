// API parity: extracts the public surface of a TypeScript client -- client
// methods and the payload type each takes, message type constants, and the
// fields (with required flags, nested objects/arrays/maps followed) of every
// payload type -- from .ts/.d.ts sources with the TypeScript compiler API, and
// prints it one fact per line, sorted:
//
//   node parity.mjs TYPESCRIPT_MODULE_DIR FILE.ts...
//   node parity.mjs TYPESCRIPT_MODULE_DIR --to OUT FILE.ts... [--to OUT FILE.ts...]
//
// (the second form writes each surface to its OUT: several surfaces for one
// start of node and of TypeScript, 0.4 s CPU)
//
//   const MessageTypes.FILE_DOWNLOAD_REQUEST = file-download-request
//   method fileDownloadRequest(FileDownloadRequestMessage)
//   field FileDownloadRequestMessage.storageLocation.path required
//
// ("[]" marks array items, "{}" map values.) run.sh diffs the surfaces of the
// published package and of the generated client.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const [tsDir, ...args] = process.argv.slice(2);
const ts = createRequire(path.resolve(tsDir) + '/')('typescript');

function surface(files) {
const interfaces = new Map(); // name -> members (PropertySignature[] / index signatures)
const aliases = new Map();    // name -> type node
const facts = new Set();
const clientMethods = [];

for (const file of files) {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  for (const st of sf.statements) {
    if (ts.isInterfaceDeclaration(st)) interfaces.set(st.name.text, st.members);
    else if (ts.isTypeAliasDeclaration(st)) aliases.set(st.name.text, st.type);
    else if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        if (!ts.isIdentifier(d.name) || d.name.text !== 'MessageTypes') continue;
        let members = [];
        let init = d.initializer;
        while (init && (ts.isAsExpression(init) || ts.isParenthesizedExpression(init) || ts.isSatisfiesExpression?.(init))) init = init.expression;
        if (init && ts.isObjectLiteralExpression(init)) {
          for (const p of init.properties) if (ts.isPropertyAssignment(p)) members.push([p.name.getText(sf), p.initializer.text]);
        } else if (d.type && ts.isTypeLiteralNode(d.type)) {
          for (const p of d.type.members) members.push([p.name.getText(sf), p.type.literal ? p.type.literal.text : p.type.getText(sf)]);
        }
        for (const [k, v] of members) facts.add(`const MessageTypes.${k.replace(/^['"]|['"]$/g, '')} = ${v}`);
      }
    } else if (ts.isClassDeclaration(st) && st.name?.text === 'WorkerClient') {
      for (const m of st.members) {
        if (!ts.isMethodDeclaration(m) || !m.name) continue;
        const mods = ts.getCombinedModifierFlags(m);
        if (mods & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected | ts.ModifierFlags.Static)) continue;
        if (m.name.getText(sf).startsWith('#')) continue;
        clientMethods.push({ name: m.name.getText(sf), param: m.parameters[0]?.type, sf });
      }
    }
  }
}

function refName(t) {
  // types.FooMessage or FooMessage
  return ts.isTypeReferenceNode(t) ? t.typeName.getText().replace(/^.*\./, '') : null;
}

function stripNull(t) {
  if (ts.isParenthesizedTypeNode(t)) return stripNull(t.type);
  if (ts.isUnionTypeNode(t)) {
    const rest = t.types.filter((x) => !(ts.isLiteralTypeNode(x) && x.literal.kind === ts.SyntaxKind.NullKeyword) &&
      x.kind !== ts.SyntaxKind.UndefinedKeyword);
    if (rest.length === 1) return stripNull(rest[0]);
  }
  return t;
}

function walk(owner, path, t, depth, seen) {
  if (depth > 8) return;
  t = stripNull(t);
  if (ts.isArrayTypeNode(t)) return walk(owner, `${path}[]`, t.elementType, depth + 1, seen);
  if (ts.isTypeReferenceNode(t)) {
    const n = refName(t);
    const args = t.typeArguments ?? [];
    if ((n === 'Array' || n === 'ReadonlyArray') && args.length === 1) return walk(owner, `${path}[]`, args[0], depth + 1, seen);
    if (n === 'Record' && args.length === 2) return walk(owner, `${path}{}`, args[1], depth + 1, seen);
    if (interfaces.has(n) && !seen.has(n)) return members(owner, path, interfaces.get(n), depth + 1, new Set([...seen, n]));
    if (aliases.has(n) && !seen.has(n)) return walk(owner, path, aliases.get(n), depth + 1, new Set([...seen, n]));
    return;
  }
  if (ts.isTypeLiteralNode(t)) return members(owner, path, t.members, depth + 1, seen);
}

function members(owner, path, list, depth, seen) {
  for (const m of list) {
    if (ts.isPropertySignature(m) && m.name) {
      const name = m.name.getText().replace(/^['"]|['"]$/g, '');
      const p = path ? `${path}.${name}` : name;
      facts.add(`field ${owner}.${p} ${m.questionToken ? 'optional' : 'required'}`);
      if (m.type) walk(owner, p, m.type, depth, seen);
    } else if (ts.isIndexSignatureDeclaration(m) && m.type) {
      walk(owner, `${path}{}`, m.type, depth, seen);
    }
  }
}

for (const m of clientMethods) {
  const payload = m.param ? refName(m.param) : null;
  const generic = m.param && ts.isTypeReferenceNode(m.param) && !interfaces.has(payload) && !aliases.has(payload);
  facts.add(`method ${m.name}(${payload && !generic ? payload : m.param ? m.param.getText(m.sf) : ''})`);
  if (payload && interfaces.has(payload)) members(payload, '', interfaces.get(payload), 0, new Set([payload]));
}
// The client's configuration and answer types.
for (const name of ['WorkerClientConfig', 'JobResponse', 'JobStatus']) {
  if (interfaces.has(name)) members(name, '', interfaces.get(name), 0, new Set([name]));
}
return [...facts].sort().join('\n') + '\n';
}

if (args[0] !== '--to') {
  process.stdout.write(surface(args));
} else {
  for (let i = 0; i < args.length;) {
    let j = i + 2;
    while (j < args.length && args[j] !== '--to') j++;
    writeFileSync(args[i + 1], surface(args.slice(i + 2, j)));
    i = j;
  }
}
