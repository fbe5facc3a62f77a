"""The exception types a handler catches, by name: Python's `except (A, b.B) as e:`, Java's
`catch (A | B e)`, Kotlin's `catch (e: A)`."""

from __future__ import annotations

import tree_sitter

from forge_lsp.rules.base import CheckContext
from forge_lsp.rules.families import swallowed as sw


def python_caught_types(ctx: CheckContext, clause: tree_sitter.Node) -> frozenset[str]:
    """The exception type names an `except` clause names; empty for a bare `except:`."""
    value = clause.child_by_field_name("value")
    if value is None:
        return frozenset()
    if value.type == "as_pattern" and value.named_children:
        value = value.named_children[0]
    if value.type in ("tuple", "parenthesized_expression"):
        names = [sw.last_name(ctx.text(e)) for e in value.named_children if e.type != "comment"]
        return frozenset(names)
    return frozenset({sw.last_name(ctx.text(value))})


def java_caught_types(
    ctx: CheckContext, clause: tree_sitter.Node
) -> tuple[frozenset[str], str | None]:
    """The caught type names and the parameter name of a Java `catch`."""
    parameter = next((c for c in clause.named_children if c.type == "catch_formal_parameter"), None)
    if parameter is None:
        return frozenset(), None
    catch_type = next((c for c in parameter.named_children if c.type == "catch_type"), None)
    name = parameter.child_by_field_name("name")
    types = frozenset(
        sw.last_name(ctx.text(t)) for t in (catch_type.named_children if catch_type else [])
    )
    return types, ctx.text(name) if name is not None else None


def kotlin_caught_types(
    ctx: CheckContext, clause: tree_sitter.Node
) -> tuple[frozenset[str], str | None]:
    """`catch (e: IOException)`: the caught type name and the parameter name."""
    name = next((c for c in clause.named_children if c.type == "identifier"), None)
    caught = next(
        (c for c in clause.named_children if c.type in ("user_type", "nullable_type")), None
    )
    types = frozenset({sw.last_name(ctx.text(caught))}) if caught is not None else frozenset()
    return types, ctx.text(name) if name is not None else None
