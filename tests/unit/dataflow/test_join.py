"""An arm that binds a name does not hide the arm that did not: the other arm still holds the
parameter (or the value from outside the function) there."""

from __future__ import annotations

import pytest

from tests.unit.dataflow.helpers import origins, values

CASES = [
    (
        "python",
        """
ALLOWED = {"a", "b"}
def h(col):
    if col not in ALLOWED:
        print("bad", col)
    sink(col)
""",
    ),
    (
        "python",
        """
def h(col):
    if col == "":
        col = "name"
    sink(col)
""",
    ),
    (
        "javascript",
        """
const ALLOWED = new Set(["a"]);
function h(col) {
  if (!ALLOWED.has(col)) console.log(col);
  sink(col);
}
""",
    ),
    (
        "go",
        """
package p
func h(col string) {
	if !slices.Contains(allowed, col) {
		log.Print(col)
	}
	sink(col)
}
""",
    ),
]


@pytest.mark.parametrize(("language", "code"), CASES, ids=lambda c: str(c)[:12])
def test_an_arm_that_binds_a_name_keeps_the_parameter_of_the_other(language, code):
    (value,) = values(language, code)
    assert "parameter" in origins(value)


def test_an_allow_list_with_an_early_exit_still_sanitizes():
    (value,) = values(
        "python",
        """
ALLOWED = {"a", "b"}
def h(col):
    if col not in ALLOWED:
        raise ValueError(col)
    sink(col)
""",
    )
    assert origins(value) == {"sanitized"}
