/**
 * Before the server starts: is the interpreter Python 3.10+, and does the bundled server import
 * with it? One run of the interpreter answers both, so a failure becomes one actionable message
 * instead of a crash loop. No `vscode` import: unit-tested.
 */

/** Run as `python -c PREFLIGHT_SCRIPT LIBS`; prints one line starting with a status word. */
export const PREFLIGHT_SCRIPT = [
  'import sys, os',
  'v = "%d.%d" % sys.version_info[:2]',
  'if sys.version_info < (3, 10):',
  '    print("FORGE_TOO_OLD " + v); sys.exit(3)',
  'libs = sys.argv[1] if len(sys.argv) > 1 else ""',
  'if libs:',
  '    sys.path[:0] = [os.path.join(libs, "cp%d%d" % sys.version_info[:2]), os.path.join(libs, "common")]',
  'try:',
  '    import forge_lsp.lsp.server, tree_sitter, tree_sitter_python',
  'except Exception as e:',
  '    print("FORGE_IMPORT_FAILED " + v + " " + type(e).__name__ + ": " + str(e)); sys.exit(4)',
  'print("FORGE_OK " + v + " " + os.path.dirname(forge_lsp.__file__))',
].join('\n');

export type Preflight =
  | { ok: true; version: string; location: string }
  | { ok: false; message: string };

/** The outcome of running the preflight script with `interpreter`. */
export function parsePreflight(
  interpreter: string,
  stdout: string,
  error: { code?: unknown; message?: string } | undefined,
): Preflight {
  const line = stdout.split(/\r?\n/).find((l) => l.startsWith('FORGE_')) ?? '';
  const [status, version, ...rest] = line.split(' ');
  if (status === 'FORGE_OK' && version) {
    return { ok: true, version, location: rest.join(' ') };
  }
  if (status === 'FORGE_TOO_OLD') {
    return {
      ok: false,
      message:
        `Forge needs Python 3.10 or newer, and ${interpreter} is Python ${version}. ` +
        'Set "forge.interpreter" to a newer Python, or select one with the Python extension.',
    };
  }
  if (status === 'FORGE_IMPORT_FAILED') {
    return {
      ok: false,
      message:
        `Forge's server does not load with ${interpreter} (Python ${version}): ${rest.join(' ')}. ` +
        'The bundled server is built for CPython 3.10 to 3.14 on the platform of this .vsix: ' +
        'set "forge.interpreter" to such a Python, or install the .vsix for your platform.',
    };
  }
  if (error && error.code === 'ENOENT') {
    return {
      ok: false,
      message:
        `Forge needs Python 3.10 or newer and could not find "${interpreter}". Install Python, ` +
        'then set "forge.interpreter" to its path or select it with the Python extension.',
    };
  }
  return {
    ok: false,
    message:
      `Forge could not run ${interpreter}: ${error?.message ?? 'no answer'}. ` +
      'Set "forge.interpreter" to a Python 3.10+ interpreter.',
  };
}
