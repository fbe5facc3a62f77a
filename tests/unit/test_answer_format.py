"""Forge's answer format: good answers pass, and each broken rule is named in its own message."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.answer_format import (
    check_answer,
    check_explanation,
    parse_blocks,
    split_explanation,
)

ANSWERS = Path(__file__).resolve().parents[1] / "data" / "answers"

GOOD = """\
**Bound the query with the request's context:** a slow database otherwise pins a connection.

### The fix

```go
ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
defer cancel()
```

### Testing

Run the handler against a store that sleeps 3 s and assert a 503 within 2.1 s.
"""


def _only(problems: list[str], starts: str) -> str:
    assert len(problems) == 1, problems
    assert problems[0].startswith(starts), problems
    return problems[0]


def test_a_good_answer_passes() -> None:
    assert check_answer(GOOD) == []


@pytest.mark.parametrize(
    ("name", "flags"),
    [
        ("ask_go_handler.md", {"building": True, "design": True}),
        ("review_summary.md", {}),
        ("explain_worker_pool.md", {"design": True}),
    ],
)
def test_the_canned_answers_pass(name: str, flags: dict[str, bool]) -> None:
    text = (ANSWERS / name).read_text(encoding="utf-8")
    assert check_answer(text) == []
    assert check_answer(text, **flags) == []


def test_the_canned_explanation_splits_and_passes() -> None:
    text = (ANSWERS / "explain_worker_pool.md").read_text(encoding="utf-8")
    assert check_explanation(text) == []
    short, long = split_explanation(text)
    assert short.startswith("This function starts a fixed pool")
    assert "---" not in short
    assert long.startswith("### How it works")


@pytest.mark.parametrize(
    ("opening", "what"),
    [
        ("### Summary\n\nUse a timeout.", "a heading"),
        ("- use a timeout\n- add a test", "a list"),
        ("| A | B |\n|---|---|\n| 1 | 2 |", "a table"),
        ("```go\nx := 1\n```", "a code block"),
        ("    x := 1\n\nUse a timeout.", "a code block"),
        ("> Use a timeout.", "a block quote"),
    ],
)
def test_an_answer_that_does_not_lead_with_the_answer_is_caught(opening: str, what: str) -> None:
    problems = check_answer(opening, has_code=False)
    assert problems[0] == (
        f"Answer first: the answer opens with {what} (line 1); lead with the answer in a prose "
        "sentence or a **bold** statement."
    )


@pytest.mark.parametrize(
    "opening", ["Great question! Use a timeout.", "Sure, use a timeout.", "Happy to help: use one."]
)
def test_an_opening_pleasantry_is_caught(opening: str) -> None:
    message = _only(check_answer(opening), "Answer first:")
    assert "pleasantry" in message


def test_a_blunt_answer_is_not_a_pleasantry() -> None:
    assert check_answer("Certainly not: this query is injectable.") == []


@pytest.mark.parametrize(
    ("heading", "level"),
    [("# Fix", 1), ("## Fix", 2), ("Fix\n===", 1), ("Fix\n---", 2), ("## Fix ##", 2)],
)
def test_level_one_and_two_headings_are_caught(heading: str, level: int) -> None:
    text = f"Use a timeout.\n\n{heading}\n\nBody.\n"
    message = _only(check_answer(text), "Heading level:")
    assert f"'{'#' * level} Fix' (line 3) is a level-{level} heading; major sections use ###" in (
        message
    )


def test_deeper_headings_are_allowed() -> None:
    assert check_answer("Use a timeout.\n\n### Fix\n\n#### Detail\n\nBody.\n") == []


def test_a_fence_without_a_language_is_caught() -> None:
    text = "Use a timeout.\n\n```\nctx, cancel := context.WithTimeout(ctx, d)\n```\n\n### Testing\n"
    assert _only(check_answer(text), "Code fence without a language id (line 3)")


def test_a_tilde_fence_with_a_language_passes_and_without_is_caught() -> None:
    good = "Use a timeout.\n\n~~~python\nrequests.get(url, timeout=5)\n~~~\n\n### Testing\n"
    assert check_answer(good) == []
    assert _only(check_answer(good.replace("~~~python", "~~~")), "Code fence without a language")


def test_an_unclosed_fence_is_caught() -> None:
    text = "Use a timeout.\n\n```go\nctx, cancel := context.WithTimeout(ctx, d)\n"
    assert "Code fence opened at line 3 is never closed." in check_answer(text, has_code=False)


def test_headings_and_tables_inside_fences_do_not_count() -> None:
    text = (
        "Render the section title yourself.\n\n"
        "```markdown\n# Title\n## Section\n### Inner\n| Option | Pros |\n|---|---|\n```\n\n"
        "````md\n```\n## not a heading, not a fence\n```\n````\n\n"
        "~~~text\n## still code\n~~~\n"
    )
    assert check_answer(text) == []
    assert [block.kind for block in parse_blocks(text)] == ["paragraph", "fence", "fence", "fence"]


def test_indented_code_is_opaque_and_reported() -> None:
    text = "Use a timeout.\n\n    ## not a heading\n    x := 1\n"
    assert check_answer(text, has_code=False) == [
        "Indented code block (line 3); use a fenced block with a language id."
    ]


def test_indented_text_in_a_list_is_not_code() -> None:
    text = (
        "Three changes.\n\n"
        "1. Add a timeout:\n\n"
        "    ```go\n    ctx, cancel := context.WithTimeout(ctx, d)\n    ```\n\n"
        "    Then cancel it.\n"
        "2. Log the error.\n\n"
        "### Testing\n\nA test with a sleeping store.\n"
    )
    assert check_answer(text) == []


def test_a_design_without_failure_modes_is_caught() -> None:
    text = "**Extract the billing context first.**\n\n### Why\n\nIt changes most often.\n"
    assert check_answer(text) == []
    assert _only(check_answer(text, design=True), "Design proposal without a 'Failure Modes'")
    for section in ("### Failure Modes", "### Operational Considerations", "### 🔥 failure modes"):
        assert check_answer(text + f"\n{section}\n\nThe queue fills.\n", design=True) == []


def test_code_without_tests_or_a_testing_strategy_is_caught() -> None:
    text = "Use a timeout.\n\n```python\nrequests.get(url, timeout=5)\n```\n"
    assert _only(check_answer(text), "Code without test code or a testing strategy")
    assert check_answer(text, has_code=False) == []


@pytest.mark.parametrize(
    "test_code",
    [
        "```go\nfunc TestTimeout(t *testing.T) {}\n```",
        "```python\ndef test_timeout(server):\n    pass\n```",
        "```java\n@Test\nvoid timesOut() {}\n```",
        "```rust\n#[test]\nfn times_out() {}\n```",
        "```typescript\nit('times out', async () => {});\n```",
    ],
)
def test_test_code_satisfies_the_testing_rule(test_code: str) -> None:
    text = f"Use a timeout.\n\n```python\nrequests.get(url, timeout=5)\n```\n\n{test_code}\n"
    assert check_answer(text) == []


def test_data_blocks_alone_do_not_need_tests() -> None:
    text = "The config is fine.\n\n```yaml\nreplicas: 3\n```\n\n```text\nOK\n```\n"
    assert check_answer(text) == []
    assert _only(check_answer(text, has_code=True), "Code without test code")


def test_missing_next_steps_when_building_is_caught() -> None:
    assert _only(check_answer(GOOD, building=True), "Building something concrete but no")
    ending = GOOD + "\n### Recommended Next Steps\n\n1. Ship it.\n\n#### Later\n\nMore.\n"
    assert check_answer(ending, building=True) == []


def test_next_steps_must_be_the_last_section() -> None:
    text = GOOD.replace("### Testing", "### Recommended Next Steps\n\n1. Ship.\n\n### Testing")
    message = _only(check_answer(text, building=True), "'Recommended Next Steps' is not the last")
    assert "'Testing'" in message


def test_comparison_tables_need_the_spec_columns() -> None:
    table = "| Option | Pros | Cons |\n|---|:---:|---|\n| Monolith | simple | coupling |\n"
    text = f"**Keep the monolith.**\n\n{table}"
    message = _only(check_answer(text), "Comparison table (line 3)")
    assert "option | pros | cons; use Approach | Pros | Cons | When to Use" in message
    good = (
        "**Keep the monolith.**\n\n| **Approach** | Pros | Cons | When to use |\n"
        "|---|---|---|---|\n| Monolith | simple | coupling | one team |\n"
    )
    assert check_answer(good) == []


def test_other_tables_are_free() -> None:
    text = "Two endpoints change.\n\n| Endpoint | Status |\n|---|---|\n| `/health` | new |\n"
    assert check_answer(text) == []


def test_an_empty_answer_is_reported() -> None:
    assert check_answer("  \n\n") == ["The answer is empty."]


def test_split_explanation_ignores_rules_inside_code() -> None:
    text = "Short one. Short two.\n\n```yaml\n---\nkey: v\n```\n\n---\n\n### Details\n\nLong.\n"
    short, long = split_explanation(text)
    assert short.startswith("Short one. Short two.")
    assert "key: v" in short
    assert long == "### Details\n\nLong."


def test_split_explanation_without_separator_uses_the_first_paragraph() -> None:
    short, long = split_explanation("It parses the header.\nThen it retries.\n\n### Details\n")
    assert short == "It parses the header. Then it retries."
    assert long.endswith("### Details")


def test_check_explanation_names_each_short_form_problem() -> None:
    assert check_explanation("One sentence only.\n\n### Details\n\nMore.\n")[0].startswith(
        "Explanation without a '---' line"
    )
    too_long = "A. B. C. D. E.\n\n---\n\n### Details\n\nMore.\n"
    assert "Short form: 5 sentence(s); the hover needs 2 to 4." in check_explanation(too_long)
    with_code = "It loops. It sends.\n\n```go\nx()\n```\n\n---\n\n### Testing\n\nMore.\n"
    assert "Short form: one plain paragraph expected, without headings or code." in (
        check_explanation(with_code)
    )
