import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { fromPythonExtension, resolveInterpreter } from '../interpreter';

const noLog = () => undefined;

test('the forge.interpreter setting comes first', async () => {
  let asked = false;
  const result = await resolveInterpreter({
    setting: ' /opt/py/bin/python3.12 ',
    pythonExtension: async () => {
      asked = true;
      return '/venv/bin/python';
    },
  });
  assert.deepEqual(result, { command: '/opt/py/bin/python3.12', source: 'setting' });
  assert.equal(asked, false);
});

test("then the Python extension's active interpreter", async () => {
  const result = await resolveInterpreter({
    setting: '',
    pythonExtension: async () => '/venv/bin/python',
  });
  assert.deepEqual(result, { command: '/venv/bin/python', source: 'python-extension' });
});

test('then python3 (python on Windows)', async () => {
  const none = async () => undefined;
  assert.deepEqual(await resolveInterpreter({ setting: undefined, pythonExtension: none, platform: 'linux' }), {
    command: 'python3',
    source: 'default',
  });
  assert.equal(
    (await resolveInterpreter({ setting: undefined, pythonExtension: none, platform: 'win32' })).command,
    'python',
  );
});

function extension(environments: unknown, isActive = true) {
  let activated = false;
  return {
    get activated() {
      return activated;
    },
    isActive,
    activate: async () => {
      activated = true;
    },
    exports: { environments },
  };
}

test('the Python extension: resolved executable preferred, activated first', async () => {
  const ext = extension(
    {
      getActiveEnvironmentPath: () => ({ id: 'x', path: '/venv' }),
      resolveEnvironment: async () => ({ executable: { uri: { fsPath: '/venv/bin/python' } } }),
    },
    false,
  );
  assert.equal(await fromPythonExtension(ext, undefined, noLog), '/venv/bin/python');
  assert.equal(ext.activated, true);
});

test('the Python extension: its path when the environment cannot be resolved', async () => {
  const ext = extension({
    getActiveEnvironmentPath: () => ({ id: 'x', path: '/usr/bin/python3.11' }),
    resolveEnvironment: async () => {
      throw new Error('boom');
    },
  });
  const logged: string[] = [];
  assert.equal(await fromPythonExtension(ext, undefined, (m) => logged.push(m)), '/usr/bin/python3.11');
  assert.match(logged[0], /boom/);
});

test('the Python extension: every failure means "not from the extension"', async () => {
  assert.equal(await fromPythonExtension(undefined, undefined, noLog), undefined);
  assert.equal(await fromPythonExtension(extension(undefined), undefined, noLog), undefined);
  assert.equal(
    await fromPythonExtension(
      extension({
        getActiveEnvironmentPath: () => {
          throw new Error('old API');
        },
      }),
      undefined,
      noLog,
    ),
    undefined,
  );
  const failing = { isActive: false, activate: async () => Promise.reject(new Error('no')), exports: undefined };
  assert.equal(await fromPythonExtension(failing, undefined, noLog), undefined);
});
