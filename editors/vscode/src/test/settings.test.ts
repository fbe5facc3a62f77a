import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { claudeState, schemaKeys, settingsForServer } from '../settings';

const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
const properties: Record<string, { default?: unknown; description?: string; markdownDescription?: string }> =
  pkg.contributes.configuration.properties;

test('the schema declares exactly the server settings and the extension settings', () => {
  assert.deepEqual(Object.keys(properties).sort(), schemaKeys().sort());
});

test('every setting has a description and a default', () => {
  for (const [key, schema] of Object.entries(properties)) {
    assert.ok(schema.description || schema.markdownDescription, `${key} has no description`);
    assert.ok('default' in schema, `${key} has no default`);
  }
});

test('no API key setting: keys live in SecretStorage', () => {
  assert.equal(properties['forge.claude.apiKey'], undefined);
});

test('untrusted workspaces: the interpreter and Claude settings come from user settings only', () => {
  const restricted: string[] = pkg.capabilities.untrustedWorkspaces.restrictedConfigurations;
  assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
  assert.ok(restricted.includes('forge.interpreter'));
  for (const key of schemaKeys().filter((k) => k.startsWith('forge.claude.'))) {
    assert.ok(restricted.includes(key), `${key} is not restricted`);
  }
});

test('what the server is sent: unset values dropped, never a key', () => {
  let warned = 0;
  const sent = settingsForServer(
    { select: ['FG'], maxFileSize: null, claude: { apiKey: 'sk-x', baseUrl: null, model: 'm' } },
    true,
    () => warned++,
  );
  assert.deepEqual(sent, { select: ['FG'], claude: { model: 'm' } });
  assert.equal(warned, 1);
});

test('untrusted: Claude is turned off whatever the settings say', () => {
  assert.deepEqual(settingsForServer({ claude: { enabled: true, model: 'm' } }, false), {
    claude: { enabled: false, model: 'm' },
  });
  assert.deepEqual(settingsForServer(undefined, false), { claude: { enabled: false } });
  assert.deepEqual(settingsForServer(undefined, true), {});
});

test('the status: rules only, Claude (model), or why not', () => {
  const env = {};
  assert.equal(claudeState({ trusted: true, claude: {}, hasStoredKey: true, env }).text, 'Forge: Claude (claude-sonnet-5-5)');
  assert.equal(claudeState({ trusted: true, claude: { model: 'claude-opus-5' }, hasStoredKey: false, env: { ANTHROPIC_API_KEY: 'k' } }).text, 'Forge: Claude (claude-opus-5)');
  assert.equal(claudeState({ trusted: true, claude: {}, hasStoredKey: false, env }).text, 'Forge: rules only');
  assert.equal(claudeState({ trusted: true, claude: { enabled: false }, hasStoredKey: true, env }).on, false);
  assert.equal(claudeState({ trusted: true, claude: { backend: 'bedrock' }, hasStoredKey: false, env }).on, true);
  const untrusted = claudeState({ trusted: false, claude: {}, hasStoredKey: true, env });
  assert.equal(untrusted.text, 'Forge: rules only');
  assert.match(untrusted.detail, /Restricted Mode/);
});
