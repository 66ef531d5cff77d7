import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import {
  findProjectFile,
  parseProjectFile,
  readProjectFile,
  PROJECT_FILE_NAME,
} from '../../server/src/project-file';

const root = path.join(__dirname, '..', '..');
const manifest = '/ws/proj/.httpd-mtls.json';

test('reads every field, resolving local paths against the project file', () => {
  const text = JSON.stringify({
    serverRoot: '/etc/httpd',
    defines: { SSL: null, PORT: '7771' },
    modules: ['ssl_module'],
    pathMappings: { '/etc/httpd': '.' },
    apacheVersion: '2.4.58',
    opensslVersion: '1.1',
    expiryWarningDays: 14,
    rules: { 'weak-crypto': 'ignore' },
    clients: [{ certificate: 'client/c.pem', key: 'client/k.pem' }],
    backends: [
      {
        url: 'https://gunicorn.app.server:6662/',
        certificate: 'b/cert.pem',
        caCertificates: '../ca.crt',
        requireClientCertificate: true,
      },
    ],
  });
  const project = parseProjectFile(manifest, text);
  assert.deepEqual(project.problems, []);
  assert.deepEqual(project.rules, { 'weak-crypto': 'ignore' });
  assert.deepEqual(project.layer, {
    serverRoot: '/etc/httpd',
    apacheVersion: '2.4.58',
    opensslVersion: '1.1',
    expiryWarningDays: 14,
    defines: { SSL: null, PORT: '7771' },
    modules: ['ssl_module'],
    pathMappings: [{ from: '/etc/httpd', to: '/ws/proj' }],
    peers: {
      clients: [{ certificate: '/ws/proj/client/c.pem', key: '/ws/proj/client/k.pem' }],
      backends: [
        {
          url: 'https://gunicorn.app.server:6662/',
          certificate: '/ws/proj/b/cert.pem',
          caCertificates: '/ws/ca.crt',
          requireClientCertificate: true,
        },
      ],
    },
  });
});

test('accepts the list form of pathMappings', () => {
  const text = '{"pathMappings": [{"from": "/etc/httpd/sslCerts", "to": "sslCerts"}]}';
  const project = parseProjectFile(manifest, text);
  assert.deepEqual(project.problems, []);
  assert.deepEqual(project.layer.pathMappings, [
    { from: '/etc/httpd/sslCerts', to: '/ws/proj/sslCerts' },
  ]);
});

test('bad JSON is one problem at the offending character, never an exception', () => {
  const project = parseProjectFile(manifest, '{\n  "serverRoot": "/x",\n  oops\n}');
  assert.equal(project.problems.length, 1);
  assert.deepEqual(project.problems[0]!.range.start, { line: 2, character: 2 });
  assert.deepEqual(project.layer, {});
  for (const text of ['', '[', '{"a":', '"str"', '{"a":1}}', '\u0000', '{"a":01}']) {
    assert.ok(parseProjectFile(manifest, text).problems.length > 0, JSON.stringify(text));
  }
});

test('a wrong field is reported on its value, the valid fields are still used', () => {
  const text = '{\n  "apacheVersion": 2.4,\n  "opensslVersion": "3.0",\n  "colour": 1\n}';
  const project = parseProjectFile(manifest, text);
  assert.deepEqual(
    project.problems.map((p) => p.range),
    [
      { start: { line: 1, character: 19 }, end: { line: 1, character: 22 } },
      { start: { line: 3, character: 2 }, end: { line: 3, character: 10 } },
    ],
  );
  assert.deepEqual(project.layer, { opensslVersion: '3.0' });
});

test('entries missing required fields and bad rule levels are problems', () => {
  const text = JSON.stringify({
    clients: [{ key: 'k.pem' }, { certificate: 'c.pem' }],
    backends: [{ certificate: 'x' }],
    rules: { 'weak-crypto': 'loud', 'no-such-rule': 'error' },
    pathMappings: 'nope',
    expiryWarningDays: -1,
  });
  const project = parseProjectFile(manifest, text);
  assert.equal(project.problems.length, 6);
  assert.deepEqual(project.layer.peers, {
    clients: [{ certificate: '/ws/proj/c.pem' }],
    backends: [],
  });
  assert.deepEqual(project.rules, {});
});

test('a deeply nested manifest is a problem, not a stack overflow', () => {
  const text = '['.repeat(100_000) + ']'.repeat(100_000);
  assert.equal(parseProjectFile(manifest, text).problems.length, 1);
});

test('finds the project file beside the config, else walking up to the stop folder', () => {
  const ws = mkdtempSync(path.join(tmpdir(), 'httpd-mtls-project-'));
  const conf = path.join(ws, 'site', 'conf.d', 'a.conf');
  mkdirSync(path.dirname(conf), { recursive: true });
  assert.equal(findProjectFile(conf, ws), null);

  writeFileSync(path.join(ws, PROJECT_FILE_NAME), '{}');
  assert.equal(findProjectFile(conf, ws), path.join(ws, PROJECT_FILE_NAME));
  assert.equal(findProjectFile(conf, path.join(ws, 'site')), null);
  assert.equal(findProjectFile(conf), null);

  writeFileSync(path.join(ws, 'site', PROJECT_FILE_NAME), '{}');
  assert.equal(findProjectFile(conf, ws), path.join(ws, 'site', PROJECT_FILE_NAME));
  writeFileSync(path.join(ws, 'site', 'conf.d', PROJECT_FILE_NAME), '{}');
  assert.equal(findProjectFile(conf), path.join(ws, 'site', 'conf.d', PROJECT_FILE_NAME));
});

test('an unreadable project file is a problem', () => {
  const project = readProjectFile('/nonexistent/dir/.httpd-mtls.json');
  assert.equal(project.problems.length, 1);
});

test('the JSON schema accepts the example project files the reader accepts', () => {
  const schemaFile = path.join(root, 'schemas', 'httpd-mtls.schema.json');
  const schema = JSON.parse(readFileSync(schemaFile, 'utf8'));
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  const examples = path.join(root, 'examples');
  const files = [path.join(examples, 'seed', PROJECT_FILE_NAME)];
  const broken = path.join(examples, 'broken');
  if (existsSync(broken)) {
    for (const name of readdirSync(broken)) files.push(path.join(broken, name, PROJECT_FILE_NAME));
  }
  const present = files.filter((file) => existsSync(file));
  assert.ok(present.length > 0, 'no example project files');
  for (const file of present) {
    assert.deepEqual(readProjectFile(file).problems, [], file);
    const valid = validate(JSON.parse(readFileSync(file, 'utf8')));
    assert.ok(valid, `${file}: ${JSON.stringify(validate.errors)}`);
  }
  assert.equal(validate({ apacheVersion: '2.2.1' }), false);
  assert.equal(validate({ colour: 1 }), false);
});
