"""FG501 and FG502 weigh a finding by where its values come from: the algorithm through a
constant, the purpose of a weak hash, the origin of deserialized bytes."""

from __future__ import annotations

import pytest

from forge_lsp.core import languages
from forge_lsp.core.model import Confidence, Severity
from forge_lsp.engine import checker


def _found(code: str, language: str, source: str) -> list[tuple[int, Severity, Confidence]]:
    spec = languages.LANGUAGES[language]
    result = checker.check(source.encode(), spec, checker.RuleSelection(), path=None)
    return [(f.start.line + 1, f.severity, f.confidence) for f in result.findings if f.code == code]


WARNING = (Severity.WARNING, Confidence.MEDIUM)
INFO = (Severity.INFO, Confidence.LOW)
ERROR = (Severity.ERROR, Confidence.HIGH)


@pytest.mark.parametrize(
    ("language", "source", "expected"),
    [
        # A module constant, a local variable, the `name=` keyword; a signature -> warning.
        ("python", 'import hashlib\nALG = "md5"\ndef sign(secret, body):\n'
         "    return hashlib.new(ALG, secret + body)\n", [(4, *WARNING)]),
        ("python", 'import hashlib\ndef token(secret):\n    alg = "sha1"\n'
         "    return hashlib.new(name=alg, data=secret)\n", [(4, *WARNING)]),
        # A strong constant, or one that may be anything: nothing.
        ("python", 'import hashlib\nALG = "sha256"\ndef sign(secret):\n'
         "    return hashlib.new(ALG, secret)\n", []),
        ("python", "import hashlib\ndef h(alg, data):\n    return hashlib.new(alg, data)\n", []),
        # `from hashlib import` forms; the purpose unknown -> info, low confidence.
        ("python", "from hashlib import sha1 as s\ndef ident(blob):\n    return s(blob)\n",
         [(3, *INFO)]),
        ("python", "from hashlib import md5\ndef ident(blob):\n    return md5(blob)\n",
         [(3, *INFO)]),
        # A bare `md5()` that is not hashlib's is not a hash call.
        ("python", "def md5(x):\n    return x\ndef ident(blob):\n    return md5(blob)\n", []),
        # The password comes through a local variable from a form field -> error.
        ("python", 'from hashlib import md5\ndef login(form):\n    pw = form["password"]\n'
         "    return md5(pw)\n", [(4, *ERROR)]),
        # A fast hash of a password stays an error even with a strong algorithm.
        ("python", "import hashlib\ndef store(password):\n    return hashlib.sha256(password)\n",
         [(3, *ERROR)]),
        # Protocols that fix the algorithm: HTTP Digest (by the class name), WebSocket.
        ("python", "import hashlib\nclass HTTPDigestAuth:\n    def header(self, password):\n"
         "        return hashlib.md5(password).hexdigest()\n", []),
        ("javascript", 'const crypto = require("crypto");\nconst ACCEPT = "Sec-WebSocket-Accept";\n'
         'function accept(key) {\n  return crypto.createHash("sha1").update(key).digest();\n}\n',
         []),
        ("python", "from hashlib import md5\ndef H(data):\n    return md5(data).hexdigest()\n"
         "def HA1(realm, user, password):\n    return H(realm + user + password)\n"
         "def HA2(method, uri):\n    return H(method + uri)\n", []),
        # A protocol that does not cover passwords does not excuse hashing one.
        ("javascript", 'const crypto = require("crypto");\nconst ACCEPT = "Sec-WebSocket-Accept";\n'
         'function store(password) {\n  return crypto.createHash("md5").update(password);\n}\n',
         [(4, *ERROR)]),
        # Named a cache key: quiet; a secret in the data wins over the name.
        ("python", "import hashlib\ndef cache_key(blob):\n    return hashlib.md5(blob)\n", []),
        ("python", "import hashlib\ndef cache_key(secret):\n    return hashlib.md5(secret)\n",
         [(3, *WARNING)]),
        ("javascript", 'const crypto = require("crypto");\nconst ALG = "md5";\n'
         "function signCookie(v) {\n  return crypto.createHash(ALG).update(v).digest();\n}\n",
         [(4, *WARNING)]),
        ("java", 'class A {\n  private static final String ALGORITHM = "MD5";\n'
         "  byte[] sign(byte[] b) throws Exception {\n"
         "    return MessageDigest.getInstance(ALGORITHM).digest(b);\n  }\n}\n",
         [(4, *WARNING)]),
        ("kotlin", 'const val ALG = "SHA-1"\nfun blobId(b: ByteArray) =\n'
         "    MessageDigest.getInstance(ALG).digest(b)\n", [(3, *INFO)]),
        ("go", 'package p\nimport "crypto"\nfunc Sign(secret []byte) []byte {\n'
         "\thash := crypto.SHA1\n\th := hash.New()\n\th.Write(secret)\n\treturn h.Sum(nil)\n}\n",
         [(5, *WARNING)]),
        # MySQL's scrambles hash the password with SHA-1 / SHA-256 by protocol.
        ("go", 'package p\nconst plugin = "mysql_native_password"\n'
         "func scramble(password string) []byte {\n\th := sha1.New()\n"
         "\th.Write([]byte(password))\n\treturn h.Sum(nil)\n}\n", []),
        ("go", 'package p\nimport "crypto"\nfunc ID(b []byte) []byte {\n'
         "\th := crypto.MD5.New()\n\th.Write(b)\n\treturn h.Sum(nil)\n}\n", [(4, *INFO)]),
    ],
)  # fmt: skip
def test_fg501_weighs_the_algorithm_and_the_purpose(
    language: str, source: str, expected: list[tuple[int, Severity, Confidence]]
) -> None:
    assert _found("FG501", language, source) == expected


@pytest.mark.parametrize(
    ("language", "source", "expected"),
    [
        # Untrusted input (through a decoder) -> error; a local file or unknown -> warning.
        ("python", "import base64, pickle\nfrom flask import request\ndef f():\n"
         '    return pickle.loads(base64.b64decode(request.form["b"]))\n', [(4, *ERROR)]),
        ("python", 'import pickle\ndef f(path):\n    with open(path, "rb") as fh:\n'
         "        return pickle.load(fh)\n", [(4, *WARNING)]),
        ("python", "import pickle\ndef f(blob):\n    return pickle.loads(blob)\n", [(3, *WARNING)]),
        # The from-import forms.
        ("python", "from pickle import loads\nfrom flask import request\ndef f():\n"
         "    return loads(request.get_data())\n", [(4, *ERROR)]),
        ("python", "import pickle as pkl\ndef f(b):\n    return pkl.loads(b)\n", [(3, *WARNING)]),
        ("python", "from yaml import load\ndef f(s):\n    return load(s)\n", [(3, *WARNING)]),
        ("python", "from yaml import load, SafeLoader\ndef f(s):\n"
         "    return load(s, Loader=SafeLoader)\n", []),
        ("python", "from pickle import Unpickler\ndef f(s):\n    return Unpickler(s).load()\n",
         [(3, *WARNING)]),
        ("python", "from pickle import dumps, loads\ndef f(v):\n    return loads(dumps(v))\n", []),
        # Java: the stream's origin is the constructor's argument.
        ("java", "class A {\n  Object f(String path) throws Exception {\n"
         "    ObjectInputStream in = new ObjectInputStream(new FileInputStream(path));\n"
         "    return in.readObject();\n  }\n}\n", [(4, *WARNING)]),
        ("java", "class A {\n  Object f(HttpServletRequest request) throws Exception {\n"
         "    ObjectInputStream in = new ObjectInputStream(request.getInputStream());\n"
         "    return in.readObject();\n  }\n}\n", [(4, *ERROR)]),
        # The object's own in-memory cache -> info; a cache client's value stays a warning.
        ("python", "import pickle\nclass LocMem:\n    def get(self, key):\n"
         "        pickled = self._cache[key]\n        return pickle.loads(pickled)\n",
         [(5, Severity.INFO, Confidence.LOW)]),
        ("python", "import pickle\nclass Shared:\n    def get(self, key):\n"
         "        return pickle.loads(self._client.get(key))\n", [(4, *WARNING)]),
        ("go", "package p\nfunc f(r *http.Request) {\n\tbody := r.Body\n"
         "\tgob.NewDecoder(body).Decode(&m)\n}\n", [(4, *ERROR)]),
        ("go", "package p\nfunc f(path string) {\n\tf, _ := os.Open(path)\n"
         "\tgob.NewDecoder(f).Decode(&m)\n}\n", []),
        ("kotlin", "fun load(path: String): Any? {\n"
         "    val input = ObjectInputStream(File(path).inputStream())\n"
         "    return input.readObject()\n}\n", [(3, *WARNING)]),
        ("kotlin", "fun load(socket: Socket): Any? =\n"
         "    ObjectInputStream(socket.getInputStream()).use { it.readObject() }\n",
         [(2, *ERROR)]),
        ("javascript", 'const s = require("node-serialize");\nfunction f(req) {\n'
         "  return s.unserialize(req.body.profile);\n}\n", [(3, *ERROR)]),
        ("javascript", 'const fs = require("fs");\nconst s = require("node-serialize");\n'
         'function f(p) {\n  return s.unserialize(fs.readFileSync(p, "utf8"));\n}\n',
         [(4, *WARNING)]),
    ],
)  # fmt: skip
def test_fg502_weighs_where_the_bytes_come_from(
    language: str, source: str, expected: list[tuple[int, Severity, Confidence]]
) -> None:
    assert _found("FG502", language, source) == expected


def test_fg502_names_the_source_and_its_line() -> None:
    source = (
        "import pickle\nfrom flask import request\ndef f():\n"
        "    blob = request.get_data()\n    return pickle.loads(blob)\n"
    )
    spec = languages.LANGUAGES["python"]
    result = checker.check(source.encode(), spec, checker.RuleSelection(), path=None)
    (finding,) = [f for f in result.findings if f.code == "FG502"]
    assert finding.message.startswith("Untrusted input, request.get_data() (on the line above)")
