// tests/catalogue/check.mjs - checks the worker-backend catalogue (schemas/worker-backend).
//
//   node check.mjs --catalogue FILE [--dts DIR] [--seed FILE]
//
// Independent of msggen (its loader is written in parallel): it reads the split
// AsyncAPI document with the `yaml` package, resolves every $ref itself, and for
// every message prints test lines in the tests/lib.sh format:
//   ok/not ok catalogue_<msg>_is_well_formed      names, channel, operation, payload, examples
//   ok/not ok catalogue_<msg>_examples_are_valid  every example validates (ajv, draft-07, formats)
//   ok/not ok catalogue_<msg>_rejects_a_broken_example  a mutated example must fail
//   ok/not ok catalogue_<msg>_matches_the_package  fields, required flags, types, nesting and
//            descriptions equal dist/types.d.ts of @mesh-sync/worker-backend-client (--dts)
//   ok/not ok catalogue_<msg>_matches_the_python_seed  top-level fields, required flags and
//            types (integer vs number) equal the Python client's page (--seed)
// plus whole-catalogue lines: the root document against the official AsyncAPI 3.0.0 JSON Schema
// (@asyncapi/specs), every named schema of the split files against its Schema Object, the
// message set, MessageTypes constants, client methods, x-http-api, JobResponse/JobStatus.
// The d.ts is read with the TypeScript compiler API, not with regexes.
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import ts from 'typescript';
import { createRequire } from 'node:module';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const CAT = path.resolve(args.catalogue ?? 'schemas/worker-backend/asyncapi.yaml');

const out = [];
const ok = (n) => out.push(`ok ${n}`);
const fail = (n, why, details = []) => out.push(`not ok ${n}: ${why}`, ...details.slice(0, 40).map((d) => `# ${d}`));
const skip = (n, why) => out.push(`skip ${n}: ${why}`);
const check = (n, problems) => (problems.length ? fail(n, problems[0], problems.slice(1)) : ok(n));

// ------------------------------------------------------------------ loading and $ref
const docs = new Map();
function load(file) {
  if (!docs.has(file)) {
    const text = fs.readFileSync(file, 'utf8');
    const doc = YAML.parseDocument(text, { version: '1.2', schema: 'core', uniqueKeys: true });
    if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0].message}`);
    docs.set(file, doc.toJS({ maxAliasCount: 100 }));
  }
  return docs.get(file);
}
function pointer(root, ptr, where) {
  let node = root;
  for (const raw of ptr.split('/').slice(1)) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(key in node)) throw new Error(`unresolvable $ref ${where}`);
    node = node[key];
  }
  return node;
}
// Follows a $ref (and chains of them); returns {file, node}.
function follow(file, ref, seen = new Set()) {
  const [f, frag = ''] = ref.split('#');
  const target = f ? path.resolve(path.dirname(file), f) : file;
  if (!target.startsWith(path.dirname(CAT))) throw new Error(`$ref ${ref} in ${file} leaves the catalogue folder`);
  const key = `${target}#${frag}`;
  if (seen.has(key)) throw new Error(`$ref cycle at ${ref}`);
  seen.add(key);
  const node = pointer(load(target), frag, `${ref} (from ${path.relative(path.dirname(CAT), file)})`);
  if (node && typeof node === 'object' && typeof node.$ref === 'string') return follow(target, node.$ref, seen);
  return { file: target, node };
}
// Fully dereferenced copy of a schema; refs record their target name in `x-ref`
// (the last pointer segment) so that named shared types stay visible.
function deref(file, node, depth = 0) {
  if (depth > 64) throw new Error('schema nesting deeper than 64 (recursive $ref?)');
  if (Array.isArray(node)) return node.map((x) => deref(file, x, depth + 1));
  if (!node || typeof node !== 'object') return node;
  if (typeof node.$ref === 'string') {
    const t = follow(file, node.$ref);
    const inner = deref(t.file, t.node, depth + 1);
    const sib = { ...node }; delete sib.$ref;
    return { ...inner, ...sib, 'x-ref': node.$ref.split('/').pop() };
  }
  const o = {};
  for (const [k, v] of Object.entries(node)) o[k] = (k === 'examples' || k === 'enum' || k === 'default') ? v : deref(file, v, depth + 1);
  return o;
}
const stripX = (s) => JSON.parse(JSON.stringify(s, (k, v) => (k.startsWith('x-') ? undefined : v)));

// ------------------------------------------------------------------ naming
const pascal = (k) => k.split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join('');
const camel = (k) => { const p = pascal(k); return p[0].toLowerCase() + p.slice(1); };
const screaming = (k) => k.replace(/-/g, '_').toUpperCase();
const norm = (s) => (s ?? '').replace(/\s+/g, ' ').trim();

// ------------------------------------------------------------------ the catalogue
let api;
try {
  api = load(CAT);
} catch (e) {
  fail('catalogue_loads', e.message);
  console.log(out.join('\n'));
  process.exit(0);
}
ok('catalogue_loads');
const msgs = api?.components?.messages ?? {};
const names = Object.keys(msgs);
check('catalogue_is_asyncapi_3_0_0', [
  ...(api.asyncapi === '3.0.0' ? [] : [`asyncapi is ${JSON.stringify(api.asyncapi)}`]),
  ...(api.info?.title && api.info?.version ? [] : ['info.title/info.version missing']),
  ...(api.servers && Object.keys(api.servers).length ? [] : ['no servers']),
]);
// Against the official AsyncAPI 3.0.0 JSON Schema (@asyncapi/specs): the root document, and
// every named schema of the split files against its Schema Object definition.
{
  const require = createRequire(import.meta.url);
  const spec = require('@asyncapi/specs/schemas/3.0.0-without-$id.json');
  const specAjv = new Ajv({ strict: false, allErrors: true, code: { optimize: false } });
  addFormats(specAjv);
  const root = specAjv.compile(spec);
  check('catalogue_is_valid_asyncapi_3_0_0', root(api) ? [] :
    root.errors.slice(0, 10).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`));
  const schemaDef = specAjv.compile({ definitions: spec.definitions, $ref: '#/definitions/schema' });
  const p = [];
  for (const f of fs.readdirSync(path.dirname(CAT), { recursive: true }).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    if (path.resolve(path.dirname(CAT), f) === CAT) continue;
    for (const [n, s] of Object.entries(load(path.resolve(path.dirname(CAT), f)))) {
      if (!schemaDef(s)) p.push(`${f}#/${n}: ${schemaDef.errors[0].instancePath} ${schemaDef.errors[0].message}`);
    }
  }
  check('catalogue_schema_files_hold_valid_asyncapi_schemas', p);
}
// Every file must read the same under YAML 1.1 and 1.2 (no `yes`, `6e-07`, `010` surprises):
// msggen reads 1.2 core, many other tools still read 1.1.
{
  const p = [];
  for (const f of fs.readdirSync(path.dirname(CAT), { recursive: true }).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    const text = fs.readFileSync(path.resolve(path.dirname(CAT), f), 'utf8');
    const a = JSON.stringify(YAML.parse(text, { version: '1.2', schema: 'core' }));
    const b = JSON.stringify(YAML.parse(text, { version: '1.1' }));
    if (a !== b) {
      const i = [...a].findIndex((c, k) => c !== b[k]);
      p.push(`${f}: differs near ${a.slice(Math.max(0, i - 40), i + 20)} / ${b.slice(Math.max(0, i - 40), i + 20)}`);
    }
  }
  check('catalogue_reads_the_same_as_yaml_1_1_and_1_2', p);
}
check('catalogue_has_70_messages', names.length === 70 ? [] : [`${names.length} messages`]);

// x-http-api and the job types
{
  const p = [];
  const h = api['x-http-api'];
  if (!h) p.push('no x-http-api');
  else {
    if (h.send?.method !== 'POST' || h.send?.path !== '/api/jobs/{messageType}') p.push('send is not POST /api/jobs/{messageType}');
    if (h.status?.method !== 'GET' || h.status?.path !== '/api/jobs/{jobId}') p.push('status is not GET /api/jobs/{jobId}');
    if (h.auth?.type !== 'bearer' || h.auth?.header !== 'Authorization' || h.auth?.optional !== true) p.push('auth is not an optional bearer Authorization header');
    for (const [k, v] of [['baseUrl', 'WORKER_BACKEND_URL'], ['apiKey', 'WORKER_BACKEND_API_KEY'], ['timeout', 'WORKER_BACKEND_TIMEOUT']])
      if (h.env?.[k] !== v) p.push(`env.${k} is not ${v}`);
    if (h.defaultTimeoutSeconds !== 30) p.push('defaultTimeoutSeconds is not 30');
    try {
      for (const [k, n] of [['send', 'JobResponse'], ['status', 'JobStatus']]) {
        const r = h[k]?.response?.$ref;
        if (r !== `#/components/schemas/${n}`) p.push(`${k}.response is not #/components/schemas/${n}`);
        else follow(CAT, r);
      }
    } catch (e) { p.push(e.message); }
  }
  check('catalogue_describes_the_http_job_api', p);
}

const payloads = {}; // message name -> dereferenced payload schema
const schemaNames = {}; // message name -> name of the payload schema
const ajv = new Ajv({ strict: true, strictTypes: false, allErrors: true, allowUnionTypes: true, code: { optimize: false } });
addFormats(ajv);
ajv.addKeyword({ keyword: 'x-ref', schemaType: 'string' });

for (const name of names) {
  const m = msgs[name];
  const p = [];
  let payload = null;
  try {
    if (m.name !== name) p.push(`name ${JSON.stringify(m.name)} differs from its key`);
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name)) p.push('key is not kebab-case');
    for (const k of ['title', 'summary', 'description']) if (typeof m[k] !== 'string' || !m[k].trim()) p.push(`no ${k}`);
    if (m.contentType !== 'application/json') p.push('contentType is not application/json');
    if (!Array.isArray(m.tags) || !m.tags.length) p.push('no tags');
    else for (const t of m.tags) if (!(api.info?.tags ?? []).some((d) => d.name === t.name)) p.push(`tag ${t.name} not declared in info.tags`);
    const ch = api.channels?.[name];
    if (!ch || ch.address !== name) p.push('no channel whose address is the message name');
    else if (ch.messages?.[name]?.$ref !== `#/components/messages/${name}`) p.push('channel does not carry the message');
    const op = api.operations?.[camel(name)];
    if (!op || op.action !== 'send' || op.channel?.$ref !== `#/channels/${name}`) p.push(`no send operation ${camel(name)} on the channel`);
    else if (op.messages?.[0]?.$ref !== `#/channels/${name}/messages/${name}`) p.push('operation does not reference the channel message');
    if (typeof m.payload?.$ref !== 'string') p.push('payload is not a $ref to a named schema');
    else {
      schemaNames[name] = m.payload.$ref.split('/').pop();
      if (schemaNames[name] !== `${pascal(name)}Message`) p.push(`payload schema is ${schemaNames[name]}, want ${pascal(name)}Message`);
      if (api.components?.schemas?.[schemaNames[name]]?.$ref !== m.payload.$ref) p.push('payload schema not listed under components.schemas');
      const t = follow(CAT, m.payload.$ref);
      payload = deref(t.file, t.node);
      payloads[name] = payload;
      if (payload.type !== 'object' || !payload.properties) p.push('payload is not an object with properties');
      if (!!m.deprecated !== !!payload.deprecated) p.push('message and payload schema disagree on deprecated');
    }
    if (!Array.isArray(m.examples) || !m.examples.length) p.push('no examples');
    else for (const [i, e] of m.examples.entries()) if (!e.name || !e.payload) p.push(`example ${i} lacks name or payload`);
  } catch (e) {
    p.push(e.message);
  }
  check(`catalogue_${name}_is_well_formed`, p);
  if (!payload) { skip(`catalogue_${name}_examples_are_valid`, 'no payload schema'); continue; }

  let validate;
  try {
    validate = ajv.compile(payload);
  } catch (e) {
    fail(`catalogue_${name}_examples_are_valid`, `schema does not compile: ${e.message}`);
    continue;
  }
  const bad = [];
  for (const e of m.examples ?? []) {
    if (!validate(e.payload)) bad.push(`example ${e.name}: ${ajv.errorsText(validate.errors)}`);
  }
  check(`catalogue_${name}_examples_are_valid`, bad);

  // The validator must be able to say no: break the first example (drop a required field,
  // or give the first property a value of the wrong type) and expect a rejection.
  const ex = structuredClone(m.examples?.[0]?.payload ?? {});
  const req = payload.required ?? [];
  const first = Object.keys(payload.properties ?? {})[0];
  let how;
  if (req.length) { delete ex[req[0]]; how = `without required ${req[0]}`; }
  else {
    const t = payload.properties[first]?.type;
    ex[first] = t === 'string' ? 12345 : 'not-a-' + (Array.isArray(t) ? t.join('-') : t);
    how = `with ${first} of the wrong type`;
  }
  check(`catalogue_${name}_rejects_a_broken_example`, validate(ex) ? [`an example ${how} was accepted`] : []);
}

// ------------------------------------------------------------------ TypeScript package
// A comparable shape: {k:'string'|'number'|'boolean'|'unknown'|'object'|'array'|'record'|'union'|'enum', ...}
function tsShape(node, where) {
  switch (node.kind) {
    case ts.SyntaxKind.StringKeyword: return { k: 'string' };
    case ts.SyntaxKind.NumberKeyword: return { k: 'number' };
    case ts.SyntaxKind.BooleanKeyword: return { k: 'boolean' };
    case ts.SyntaxKind.UnknownKeyword: case ts.SyntaxKind.AnyKeyword: return { k: 'unknown' };
    case ts.SyntaxKind.ObjectKeyword: return { k: 'object', props: null };
    case ts.SyntaxKind.ArrayType: return { k: 'array', items: tsShape(node.elementType, where) };
    case ts.SyntaxKind.ParenthesizedType: return tsShape(node.type, where);
    case ts.SyntaxKind.TypeLiteral: return tsMembers(node.members, where);
    case ts.SyntaxKind.LiteralType:
      if (ts.isStringLiteral(node.literal)) return { k: 'enum', values: [node.literal.text] };
      break;
    case ts.SyntaxKind.UnionType: {
      const parts = node.types.map((t) => tsShape(t, where));
      if (parts.every((x) => x.k === 'enum')) return { k: 'enum', values: parts.flatMap((x) => x.values) };
      return { k: 'union', of: parts.map((x) => x.k).sort() };
    }
    case ts.SyntaxKind.TypeReference: {
      const n = node.typeName.getText();
      if (n === 'Array') return { k: 'array', items: tsShape(node.typeArguments[0], where) };
      if (n === 'Record') return { k: 'record', values: tsShape(node.typeArguments[1], where) };
      return { k: 'ref', name: n };
    }
  }
  throw new Error(`${where}: unsupported TypeScript type ${ts.SyntaxKind[node.kind]}`);
}
function jsdoc(node) {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  const c = docs.length ? docs[docs.length - 1].comment : undefined;
  return typeof c === 'string' ? c : (c ?? []).map((x) => x.text ?? '').join('');
}
function tsMembers(members, where) {
  const props = {};
  for (const m of members) {
    if (!ts.isPropertySignature(m)) throw new Error(`${where}: unexpected member ${ts.SyntaxKind[m.kind]}`);
    const n = m.name.getText();
    props[n] = { optional: !!m.questionToken, type: tsShape(m.type, `${where}.${n}`), doc: jsdoc(m) };
  }
  return { k: 'object', props };
}
function readDts(file) {
  const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const res = { interfaces: {}, constants: {}, methods: {} };
  const visit = (n) => {
    if (ts.isInterfaceDeclaration(n)) res.interfaces[n.name.text] = { ...tsMembers(n.members, n.name.text), doc: jsdoc(n) };
    else if (ts.isVariableStatement(n)) {
      for (const d of n.declarationList.declarations) {
        if (d.name.getText() === 'MessageTypes' && d.type && ts.isTypeLiteralNode(d.type))
          for (const m of d.type.members) res.constants[m.name.getText()] = m.type.literal.text;
      }
    } else if (ts.isClassDeclaration(n)) {
      for (const m of n.members) if (ts.isMethodDeclaration(m)) {
        res.methods[m.name.getText()] = m.parameters.map((p) => p.type?.getText() ?? '');
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return res;
}

// Shape of a catalogue schema, in the same terms. Refinements that TypeScript cannot say
// (integer, enum from the docs, format, ranges) are reported separately as `refined`.
function catShape(s, where, refined) {
  if (!s || typeof s !== 'object' || Object.keys(stripX(s)).filter((k) => !['description', 'deprecated'].includes(k)).length === 0) return { k: 'unknown' };
  if (Array.isArray(s.type)) return { k: 'union', of: s.type.map((t) => (t === 'integer' ? 'number' : t)).sort() };
  switch (s.type) {
    case 'string':
      if (s.enum) refined.push(`${where}: enum`);
      return { k: 'string', enum: s.enum };
    case 'integer': refined.push(`${where}: integer`); return { k: 'number' };
    case 'number': return { k: 'number' };
    case 'boolean': return { k: 'boolean' };
    case 'array': return { k: 'array', items: catShape(s.items, `${where}[]`, refined) };
    case 'object': {
      if (s.properties) {
        const req = new Set(s.required ?? []);
        const props = {};
        for (const [n, p] of Object.entries(s.properties))
          props[n] = { optional: !req.has(n), type: catShape(p, `${where}.${n}`, refined), doc: p.description ?? '' };
        return { k: 'object', props, ref: s['x-ref'] };
      }
      if (s.additionalProperties && typeof s.additionalProperties === 'object')
        return { k: 'record', values: catShape(s.additionalProperties, `${where}{}`, refined) };
      return { k: 'object', props: null };
    }
  }
  throw new Error(`${where}: unsupported schema type ${JSON.stringify(s.type)}`);
}
// Compares shapes; pushes differences. Field docs are compared too (whitespace-normalised).
function compare(t, c, where, diffs) {
  if (t.k === 'enum') {
    if (!(c.k === 'string' && c.enum && [...c.enum].sort().join('|') === [...t.values].sort().join('|')))
      diffs.push(`${where}: TS is ${t.values.map((v) => `'${v}'`).join(' | ')}, catalogue ${c.k}${c.enum ? ' enum ' + c.enum.join('|') : ''}`);
    return;
  }
  if (t.k !== c.k) { diffs.push(`${where}: TS ${t.k}, catalogue ${c.k}`); return; }
  if (t.k === 'union' && t.of.join('|') !== c.of.join('|')) diffs.push(`${where}: TS ${t.of.join('|')}, catalogue ${c.of.join('|')}`);
  if (t.k === 'array') compare(t.items, c.items, `${where}[]`, diffs);
  if (t.k === 'record') compare(t.values, c.values, `${where}{}`, diffs);
  if (t.k === 'object') {
    if ((t.props === null) !== (c.props === null)) { diffs.push(`${where}: open object on one side only`); return; }
    if (!t.props) return;
    const tn = Object.keys(t.props), cn = Object.keys(c.props);
    for (const n of tn) if (!(n in c.props)) diffs.push(`${where}.${n}: missing in the catalogue`);
    for (const n of cn) if (!(n in t.props)) diffs.push(`${where}.${n}: not in the package`);
    if (tn.filter((n) => n in c.props).join(',') !== cn.filter((n) => n in t.props).join(','))
      diffs.push(`${where}: field order differs (${tn.join(',')} vs ${cn.join(',')})`);
    for (const n of tn) {
      if (!(n in c.props)) continue;
      if (t.props[n].optional !== c.props[n].optional)
        diffs.push(`${where}.${n}: ${t.props[n].optional ? 'optional' : 'required'} in TS, ${c.props[n].optional ? 'optional' : 'required'} in the catalogue`);
      // Nested members of the package carry no JSDoc; where they do, it must be kept.
      if (norm(t.props[n].doc) && norm(t.props[n].doc) !== norm(c.props[n].doc))
        diffs.push(`${where}.${n}: description differs: TS "${norm(t.props[n].doc)}", catalogue "${norm(c.props[n].doc)}"`);
      compare(t.props[n].type, c.props[n].type, `${where}.${n}`, diffs);
    }
  }
}

const dtsDir = args.dts;
const refinedAll = [];
if (!dtsDir || !fs.existsSync(path.join(dtsDir, 'types.d.ts'))) {
  skip('catalogue_matches_the_package', 'no --dts folder with types.d.ts (package not fetched)');
} else {
  const types = readDts(path.join(dtsDir, 'types.d.ts'));
  const client = readDts(path.join(dtsDir, 'client.d.ts'));
  const pkgNames = Object.values(types.constants);
  // Message set: every MessageTypes constant is a message; the only extra ones are the two
  // texture messages that only the Python seed documents.
  {
    const p = [];
    for (const [k, v] of Object.entries(types.constants)) {
      if (!msgs[v]) p.push(`${k} = '${v}' has no message`);
      if (screaming(v) !== k) p.push(`constant ${k} is not the SCREAMING_SNAKE form of ${v}`);
    }
    const extra = names.filter((n) => !pkgNames.includes(n)).sort();
    if (extra.join(',') !== 'texture-generation-completed,texture-generation-request') p.push(`messages not in the package: ${extra.join(', ')}`);
    check('catalogue_covers_every_message_type_constant', p);
  }
  // Client methods: one per message, named camelCase, taking the payload schema's type.
  {
    const p = [];
    for (const n of pkgNames) {
      const want = `types.${pascal(n)}Message`;
      const got = client.methods[camel(n)];
      if (!got) p.push(`package has no method ${camel(n)}`);
      else if (got[0] !== want) p.push(`${camel(n)}(${got[0]}) but the catalogue names its payload ${schemaNames[n]}`);
      if (schemaNames[n] && `types.${schemaNames[n]}` !== want) p.push(`${n}: payload ${schemaNames[n]} != ${want}`);
    }
    check('catalogue_payload_names_match_the_client_methods', p);
  }
  // JobStatus is what BullMQ answers, not the package's narrower interface
  // (issue 12: the package's own clients reject 5 of 6 real answers). These
  // differences are intended, and exactly these: any other one fails.
  const intended = {
    JobResponse: [],
    JobStatus: [
      'JobStatus.attemptsMade: not in the package',
      'JobStatus.failedReason: not in the package',
      'JobStatus.processedOn: not in the package',
      'JobStatus.finishedOn: not in the package',
      "JobStatus.state: TS is 'waiting' | 'active' | 'completed' | 'failed' | 'delayed', catalogue string",
      'JobStatus.data: TS record, catalogue unknown',
      'JobStatus.returnvalue: required in TS, optional in the catalogue',
      'JobStatus.returnvalue: TS union, catalogue unknown',
      'JobStatus.progress: required in TS, optional in the catalogue',
      'JobStatus.progress: TS number, catalogue union',
    ],
  };
  for (const jt of ['JobResponse', 'JobStatus']) {
    const diffs = [];
    try {
      const t = follow(CAT, `#/components/schemas/${jt}`);
      compare(client.interfaces[jt], catShape(deref(t.file, t.node), jt, []), jt, diffs);
    } catch (e) { diffs.push(e.message); }
    const p = diffs.filter((d) => !intended[jt].includes(d)).map((d) => `unexpected: ${d}`);
    for (const d of intended[jt]) if (!diffs.includes(d)) p.push(`intended difference gone: ${d}`);
    check(`catalogue_${jt}_matches_the_package_but_for_the_intended_differences`, p);
  }
  for (const name of names) {
    const tn = `catalogue_${name}_matches_the_package`;
    if (!pkgNames.includes(name)) continue; // the texture messages: checked against the Python seed
    if (!payloads[name]) { fail(tn, 'no payload schema'); continue; }
    const iface = types.interfaces[`${pascal(name)}Message`];
    if (!iface) { fail(tn, `package has no interface ${pascal(name)}Message`); continue; }
    const diffs = [];
    const refined = [];
    try {
      compare(iface, catShape(payloads[name], schemaNames[name], refined), schemaNames[name], diffs);
      // The message description must contain the interface's JSDoc (the Python seed may add
      // a deprecation note in front of it).
      if (!norm(msgs[name].description).includes(norm(iface.doc))) diffs.push('message description does not contain the interface JSDoc');
    } catch (e) { diffs.push(e.message); }
    refinedAll.push(...refined);
    check(tn, diffs);
  }
}

// ------------------------------------------------------------------ Python seed
// Field lists of the Python client page: "name(type) [✓|✗]: description".
function readSeed(file) {
  const text = fs.readFileSync(file, 'utf8');
  const a = text.indexOf('Available Message Types\n'), b = text.indexOf('\nConfiguration\nEnvironment Variables');
  if (a < 0 || b < 0) throw new Error('unexpected layout of the Python seed');
  const res = {};
  let cur = null;
  for (const line of text.slice(a, b).split('\n')) {
    if (/^[a-z0-9]+(-[a-z0-9]+)+$/.test(line.trim())) { cur = res[line.trim()] = { fields: [] }; continue; }
    const m = /^([A-Za-z0-9_]+)\((\w*)\) \[(✓|✗)\]:/.exec(line);
    if (m && cur) cur.fields.push({ name: m[1], type: m[2], required: m[3] === '✓' });
  }
  return res;
}
const seedFile = args.seed;
if (!seedFile || !fs.existsSync(seedFile)) {
  skip('catalogue_matches_the_python_seed', 'no --seed file');
} else {
  const seed = readSeed(seedFile);
  // The seed is a later development build (4.0.24.dev…) than the npm package; these two fields
  // exist only there and the catalogue follows the published package (see docs/catalogue.md).
  const seedOnly = { 'user-engagement-event': ['eventVersion', 'correlationId'] };
  for (const name of names) {
    const tn = `catalogue_${name}_matches_the_python_seed`;
    if (!seed[name]) continue; // six messages the seed's build lacks: checked against the package
    if (!payloads[name]) { fail(tn, 'no payload schema'); continue; }
    const p = [];
    const props = payloads[name].properties, req = new Set(payloads[name].required ?? []);
    const want = seed[name].fields.filter((f) => !(seedOnly[name] ?? []).includes(f.name));
    if (want.map((f) => f.name).join(',') !== Object.keys(props).join(','))
      p.push(`fields ${Object.keys(props).join(',')} vs seed ${want.map((f) => f.name).join(',')}`);
    for (const f of want) {
      const s = props[f.name];
      if (!s) continue;
      if (req.has(f.name) !== f.required) p.push(`${f.name}: required ${req.has(f.name)} vs seed ${f.required}`);
      const t = s.type ?? (s.properties || s.additionalProperties ? 'object' : '');
      if (t !== f.type) p.push(`${f.name}: type ${t || '(any)'} vs seed ${f.type || '(any)'}`);
    }
    check(tn, p);
  }
}

// ------------------------------------------------------------------ counts
let fields = 0, constrained = 0;
const walk = (s) => {
  if (!s || typeof s !== 'object') return;
  for (const p of Object.values(s.properties ?? {})) {
    fields++;
    if (p.enum || p.format || p.minimum !== undefined || p.maximum !== undefined || p.minLength !== undefined || p.maxLength !== undefined ||
        (p.items && (p.items.enum || p.items.format))) constrained++;
    walk(p); walk(p.items);
  }
  walk(s.items);
  if (s.additionalProperties && typeof s.additionalProperties === 'object') walk(s.additionalProperties);
};
for (const n of names) if (payloads[n]) walk(payloads[n]);
const deprecated = names.filter((n) => msgs[n].deprecated).length;
out.push(`# counts: ${names.length} messages, ${Object.keys(api.components?.schemas ?? {}).length} named schemas, ` +
  `${fields} fields (nested included, shared types counted at each use), ${constrained} with enum/format/range, ` +
  `${deprecated} deprecated messages, ${refinedAll.length} refinements over the d.ts (integer/enum)`);
console.log(out.join('\n'));
