"""A route parameter the framework converts to a number, a boolean or a UUID cannot carry text:
it is sanitized, while the same parameter typed as a string stays untrusted."""

from __future__ import annotations

import pytest

from tests.unit.dataflow.helpers import origins, parse

CASES = [
    (
        "python",
        """
@app.get("/items/{item_id}")
def read(item_id: int, name: str):
    sink(item_id)
    sink(name)
""",
    ),
    (
        "java",
        """
class C {
    @GetMapping("/items/{id}")
    String read(@PathVariable Long id, @RequestParam String name) {
        sink(id);
        sink(name);
        return "";
    }
}
""",
    ),
    (
        "rust",
        """
async fn read(Path(id): Path<u32>, Query(q): Query<Params>) -> String {
    sink(id);
    sink(q);
    String::new()
}
""",
    ),
]


def _sink_args(language: str, code: str) -> list[set[str]]:
    flow, tree = parse(language, code)
    found = []
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        stack.extend(reversed(node.children))
        if node.type in {"call", "call_expression", "method_invocation"}:
            callee = node.child_by_field_name("function") or node.child_by_field_name("name")
            args = node.child_by_field_name("arguments")
            if callee is not None and callee.text == b"sink" and args is not None:
                found.append(origins(flow.value(args.named_children[0])))
    return found


@pytest.mark.parametrize(("language", "code"), CASES, ids=[c[0] for c in CASES])
def test_a_converted_route_parameter_is_sanitized(language, code):
    converted, text = _sink_args(language, code)
    assert converted == {"sanitized"}
    assert text == {"untrusted"}
