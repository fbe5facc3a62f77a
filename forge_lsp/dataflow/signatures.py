"""Which functions and methods a file declares return an error: a Go `error` last result, a Rust
`Result` (`Result<T, E>`, `io::Result<T>`, `anyhow::Result<T>`, any `...Result` alias).

The error rules (FG302, FG303, FG305) know library calls by tables; this index lets them treat a
helper declared ten lines above like a library call. It reads declarations only (no bodies), so
it is cheap: Go's top-level declarations, Rust's items in the file, its `impl`, `trait` and `mod`
blocks. Build it once per check (`index`) and share it; rules resolve a call with `function`
(a plain call `save()`) or `method` (`x.save()`).

Resolution is conservative: a name the file declares both with and without an error result is
unknown (None), and a method call resolves by its receiver's type when the receiver is the
enclosing method's receiver or a typed parameter, by name alone otherwise. Across files (another
file of the same Go package, another Rust module) nothing is known.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import tree_sitter

Node = tree_sitter.Node

_RUST_RESULT = re.compile(r"(?:^|::)\w*Result$")


@dataclass(frozen=True, slots=True)
class Signature:
    """One declared function or method and whether its (last) result is an error."""

    name: str
    owner: str  # the receiver's type (Go) or the `impl` target (Rust); "" for a free function
    returns_error: bool
    is_async: bool = False  # Rust `async fn`: the `Result` comes out of `.await`
    arity: int = -1  # Go: how many arguments a call passes; -1 when variadic or not read


@dataclass(slots=True)
class Signatures:
    """A file's declarations by name, and Go's imported package names."""

    functions: dict[str, list[Signature]] = field(default_factory=dict)
    methods: dict[str, list[Signature]] = field(default_factory=dict)
    packages: frozenset[str] = frozenset()
    owners: set[str] = field(default_factory=set)  # the types the file declares methods on

    def function(self, name: str) -> Signature | None:
        """The free function a plain call `name()` runs, when the file declares it once or all
        its declarations agree on the error result (Go build-tag variants, `cfg` twins)."""
        return _agreed(self.functions.get(name, []))

    def method(self, name: str, owner: str | None = None) -> Signature | None:
        """The method `x.name()` runs. With the receiver's type known (`owner`) and declared
        here, that type's method; with it known and no method of the file on it (`*sql.DB`),
        nothing; otherwise (unknown, or a method promoted from an embedded type) any
        same-named function or method of the file, when they all agree on the error result."""
        if owner:
            typed = [s for s in self.methods.get(name, []) if s.owner == owner]
            if typed:
                return _agreed(typed)
            if owner not in self.owners:
                return None  # `db *sql.DB`, a type of another file: not a method of ours
        return _agreed(self.methods.get(name, []) + self.functions.get(name, []))

    def add(self, signature: Signature) -> None:
        table = self.methods if signature.owner else self.functions
        if signature.owner:
            self.owners.add(signature.owner)
        table.setdefault(signature.name, []).append(signature)


def _agreed(signatures: list[Signature]) -> Signature | None:
    if not signatures:
        return None
    first = signatures[0]
    if any(
        s.returns_error != first.returns_error or s.is_async != first.is_async for s in signatures
    ):
        return None
    return first


def index(root: Node, language: str) -> Signatures:
    """The signatures a Go or Rust file declares (empty for any other language)."""
    signatures = Signatures()
    if language == "go":
        _go(root, signatures)
    elif language == "rust":
        _rust(root, signatures, "")
    return signatures


# ------------------------------------------------------------------------------------------- Go


def _go(root: Node, signatures: Signatures) -> None:
    packages: set[str] = set()
    for child in root.named_children:
        if child.type == "function_declaration":
            name = child.child_by_field_name("name")
            if name is not None:
                signatures.add(
                    Signature(_text(name), "", _go_returns_error(child), arity=_go_arity(child))
                )
        elif child.type == "method_declaration":
            name = child.child_by_field_name("name")
            receiver = go_receiver(child)
            if name is not None:
                owner = receiver[1] if receiver else "?"
                signatures.add(
                    Signature(_text(name), owner, _go_returns_error(child), arity=_go_arity(child))
                )
        elif child.type == "import_declaration":
            packages.update(_go_imports(child))
    signatures.packages = frozenset(packages)


def _go_returns_error(declaration: Node) -> bool:
    result = declaration.child_by_field_name("result")
    if result is None:
        return False
    if result.type == "parameter_list":
        params = [p for p in result.named_children if p.type == "parameter_declaration"]
        if not params:
            return False
        result = params[-1].child_by_field_name("type") or params[-1]
    return _text(result) == "error"


def _go_arity(declaration: Node) -> int:
    """The number of arguments a call passes: `(a, b int, c string)` takes 3; -1 if variadic."""
    params = declaration.child_by_field_name("parameters")
    count = 0
    for param in params.named_children if params is not None else ():
        if param.type == "variadic_parameter_declaration":
            return -1
        if param.type == "parameter_declaration":
            count += max(1, len(param.children_by_field_name("name")))
    return count


def go_receiver(method: Node) -> tuple[str, str] | None:
    """`(s *Store)` -> ("s", "Store"); `(Store)` -> ("", "Store"); None when unreadable."""
    receiver = method.child_by_field_name("receiver")
    if receiver is None:
        return None
    for param in receiver.named_children:
        if param.type != "parameter_declaration":
            continue
        name = param.child_by_field_name("name")
        kind = param.child_by_field_name("type")
        if kind is None:
            return None
        return (_text(name) if name is not None else "", go_type_name(kind))
    return None


def go_type_name(node: Node) -> str:
    """The named type behind `*Store`, `Store[T]`, `Store`, `*sql.DB`; "" for anything else."""
    while node.type in ("pointer_type", "generic_type", "parenthesized_type"):
        inner = node.child_by_field_name("type") or (
            node.named_children[0] if node.named_children else None
        )
        if inner is None:
            return ""
        node = inner
    return _text(node) if node.type in ("type_identifier", "qualified_type") else ""


def go_owner_of(call_site: Node, qualifier: str) -> str | None:
    """The declared type of `qualifier` at `call_site`, when the enclosing function says it:
    the method's receiver (`s` in `func (s *Store)`) or a parameter (`st *Store`)."""
    current: Node | None = call_site
    while current is not None and current.type not in (
        "function_declaration",
        "method_declaration",
    ):
        current = current.parent
    if current is None:
        return None
    if current.type == "method_declaration":
        receiver = go_receiver(current)
        if receiver and receiver[0] == qualifier:
            return receiver[1]
    params = current.child_by_field_name("parameters")
    for param in params.named_children if params is not None else ():
        kind = param.child_by_field_name("type")
        if kind is None:
            continue
        names = [_text(n) for n in param.children_by_field_name("name")]
        if qualifier in names:
            return go_type_name(kind) or None
    return None


def _go_imports(declaration: Node) -> set[str]:
    names: set[str] = set()
    stack = [declaration]
    while stack:
        node = stack.pop()
        if node.type != "import_spec":
            stack.extend(node.named_children)
            continue
        alias = node.child_by_field_name("name")
        path = node.child_by_field_name("path")
        if alias is not None and alias.type == "package_identifier":
            names.add(_text(alias))
        elif path is not None:
            parts = _text(path).strip('"`').split("/")
            # `.../minio-go/v7` is the folder before the version; `gopkg.in/yaml.v3` is yaml;
            # `go-sql-driver`, `minio-go` drop their `go`.
            last = parts[-2] if re.fullmatch(r"v\d+", parts[-1]) and len(parts) > 1 else parts[-1]
            last = last.split(".", 1)[0]
            names.add(last)
            names.add(re.sub(r"^go-|-go$", "", last).replace("-", ""))
    return names


# ----------------------------------------------------------------------------------------- Rust

_RUST_BLOCKS = frozenset({"mod_item", "impl_item", "trait_item"})


def _rust(node: Node, signatures: Signatures, owner: str) -> None:
    for child in node.named_children:
        if child.type in ("function_item", "function_signature_item"):
            name = child.child_by_field_name("name")
            if name is not None:
                signatures.add(
                    Signature(_text(name), owner, _rust_returns_result(child), _rust_async(child))
                )
        elif child.type in _RUST_BLOCKS:
            body = child.child_by_field_name("body")
            if body is None:
                continue
            inner = owner
            if child.type == "impl_item":
                target = child.child_by_field_name("type")
                inner = rust_type_name(target) if target is not None else "?"
            elif child.type == "trait_item":
                trait = child.child_by_field_name("name")
                inner = _text(trait) if trait is not None else "?"
            _rust(body, signatures, inner)


def _rust_returns_result(function: Node) -> bool:
    returns = function.child_by_field_name("return_type")
    if returns is None:
        return False
    if re.search(r"(?:^|::)fmt::Result$", _text(returns)):
        return False  # `fmt::Error` carries nothing, and formatting into a `String` never fails
    if returns.type == "generic_type":
        base = returns.child_by_field_name("type")
        arguments = returns.child_by_field_name("type_arguments")
        types = [_text(a) for a in arguments.named_children] if arguments is not None else []
        # `Result<Snapshot, Snapshot>` (a compare-and-swap's "current value either way") is an
        # either, not an error.
        if len(types) == 2 and types[0] == types[1]:
            return False
        return base is not None and bool(_RUST_RESULT.search(_text(base)))
    return returns.type in ("type_identifier", "scoped_type_identifier") and bool(
        _RUST_RESULT.search(_text(returns))
    )


def _rust_async(function: Node) -> bool:
    for child in function.children:
        if child.type == "function_modifiers":
            return b"async" in (child.text or b"")
    return False


def rust_type_name(node: Node) -> str:
    """`Store` for `Store`, `Store<T>`, `crate::db::Store`, `&Store`."""
    while node.type in ("reference_type", "generic_type"):
        inner = node.child_by_field_name("type")
        if inner is None:
            return ""
        node = inner
    return _text(node).rsplit("::", 1)[-1]


def _text(node: Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")


def rust_owner_of(call_site: Node) -> str | None:
    """The `impl` target around `call_site`: what `self.save()` and `Self::load()` call into."""
    current = call_site.parent
    while current is not None and current.type != "impl_item":
        current = current.parent
    if current is None:
        return None
    target = current.child_by_field_name("type")
    return rust_type_name(target) if target is not None else None
