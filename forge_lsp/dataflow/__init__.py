"""Where a value comes from: Forge's dataflow layer, between the parser and the rules.

Each language's `lower` turns a function body (or a file's top-level code) from its tree-sitter
tree into the small representation of `ir` (assignments, branches, loops, try, returns) and its
expressions into `ir.Expr` shapes. `solver` computes which assignments reach each statement,
respecting branches, loops and conditions that are constant; `facts` says what an expression's
value is made of (`facts.Fact`: constant, untrusted, sanitized, a parameter, unknown), following
local assignments, the per-framework tables of `sources` and the same-file function summaries.
`FileFlow` is the entry point a rule uses; it builds a function's flow only when asked, so
dataflow runs only where a rule found a candidate sink.

May import `core` only: the rules build on it, and it knows nothing of rules or settings.
See CONTRIBUTING.md, "Where a value comes from".
"""
