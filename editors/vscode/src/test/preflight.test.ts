import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { PREFLIGHT_SCRIPT, parsePreflight } from '../preflight';

test('a good interpreter', () => {
  assert.deepEqual(parsePreflight('python3', 'FORGE_OK 3.12 /x/forge_lsp\n', undefined), {
    ok: true,
    version: '3.12',
    location: '/x/forge_lsp',
  });
});

test('each failure is one sentence that says what to do', () => {
  const old = parsePreflight('python3', 'FORGE_TOO_OLD 3.8\n', { code: 3 });
  assert.ok(!old.ok && /3\.10 or newer.*Python 3\.8.*forge\.interpreter/.test(old.message));
  const missing = parsePreflight('python9', '', { code: 'ENOENT', message: 'spawn python9 ENOENT' });
  assert.ok(!missing.ok && /could not find "python9"/.test(missing.message));
  const broken = parsePreflight('python3', "FORGE_IMPORT_FAILED 3.13 ModuleNotFoundError: No module named 'tree_sitter'", { code: 4 });
  assert.ok(!broken.ok && /tree_sitter/.test(broken.message) && /platform/.test(broken.message));
});

test('the script runs under the Python on PATH and reports its version', () => {
  let stdout = '';
  try {
    stdout = execFileSync('python3', ['-c', PREFLIGHT_SCRIPT, '/nonexistent'], { encoding: 'utf8' });
  } catch (error) {
    stdout = String((error as { stdout?: unknown }).stdout ?? '');
  }
  assert.match(stdout, /^FORGE_(OK|TOO_OLD|IMPORT_FAILED) \d+\.\d+/);
});
