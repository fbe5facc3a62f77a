import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { buildServerEnvironment, bundledPythonPath } from '../environment';

const base = { PATH: '/usr/bin', PYTHONPATH: '/mine', ANTHROPIC_API_KEY: 'sk-env', ANTHROPIC_AUTH_TOKEN: 'tok' };

test('a trusted workspace: the stored key goes into the environment, bundled libs first', () => {
  const env = buildServerEnvironment({ base, pythonPath: ['/ext/libs/cp311', '/ext/libs/common'], apiKey: 'sk-stored', trusted: true, delimiter: ':' });
  assert.equal(env.ANTHROPIC_API_KEY, 'sk-stored');
  assert.equal(env.PYTHONPATH, '/ext/libs/cp311:/ext/libs/common:/mine');
  assert.equal(env.PYTHONSAFEPATH, '1');
  assert.equal(env.PATH, '/usr/bin');
});

test('a trusted workspace without a stored key keeps the environment key', () => {
  const env = buildServerEnvironment({ base, pythonPath: [], apiKey: undefined, trusted: true });
  assert.equal(env.ANTHROPIC_API_KEY, 'sk-env');
  assert.equal(env.PYTHONPATH, '/mine');
});

test('an untrusted workspace gets no key at all, stored or inherited', () => {
  const env = buildServerEnvironment({ base, pythonPath: [], apiKey: 'sk-stored', trusted: false });
  assert.equal(env.ANTHROPIC_API_KEY, undefined);
  assert.equal(env.ANTHROPIC_AUTH_TOKEN, undefined);
  assert.equal(base.ANTHROPIC_API_KEY, 'sk-env'); // the extension host's own is untouched
});

test('bundled folders: the version-specific one, then the shared one', () => {
  assert.deepEqual(bundledPythonPath('/x/libs', '3.12'), ['/x/libs/cp312', '/x/libs/common']);
  assert.deepEqual(bundledPythonPath('/x/libs', undefined), ['/x/libs/common']);
});
