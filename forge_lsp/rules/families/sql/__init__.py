"""Shared machinery of the SQL-injection family: what a string expression is built from.

An `Evaluator` folds an expression into a `Built`: the constant text it is made of (with a hole
for every part whose value is not known to be constant), whether it has such holes, and the
*sites* where a string was built from a non-constant part (the concatenation, the f-string, the
`fmt.Sprintf` call). Identifiers are followed through simple assignments earlier in the same
function, so the two-step form (`sql = f"..."` then `cursor.execute(sql)`) resolves to the
line that built the string. No cross-function dataflow: a parameter is a hole, not a site.

Per-language subclasses know the grammar's node types; the resolution and the bookkeeping are
shared. The package's modules:

- `text`: what SQL text looks like, and what names say (constants, SQL fragments), printf verbs;
- `evaluator`: `Built`, `Site` and the language-neutral `Evaluator`;
- `python`, `go`, `javascript`, `java`, `rust`, `kotlin`: how each language builds strings.
"""

from __future__ import annotations

from forge_lsp.rules.families.sql.evaluator import Built, Evaluator, Site
from forge_lsp.rules.families.sql.go import GoEvaluator
from forge_lsp.rules.families.sql.java import JavaEvaluator
from forge_lsp.rules.families.sql.javascript import JavaScriptEvaluator
from forge_lsp.rules.families.sql.kotlin import KotlinEvaluator
from forge_lsp.rules.families.sql.python import PythonEvaluator
from forge_lsp.rules.families.sql.rust import RustEvaluator
from forge_lsp.rules.families.sql.text import looks_like_sql

__all__ = ["EVALUATORS", "Built", "Evaluator", "Site", "looks_like_sql"]

EVALUATORS: dict[str, type[Evaluator]] = {
    "python": PythonEvaluator,
    "go": GoEvaluator,
    "javascript": JavaScriptEvaluator,
    "typescript": JavaScriptEvaluator,
    "tsx": JavaScriptEvaluator,
    "java": JavaEvaluator,
    "rust": RustEvaluator,
    "kotlin": KotlinEvaluator,
}
