"""Python flow shapes, each as a pair: the flagged shape and the one that is safe."""

from __future__ import annotations

from forge_lsp.dataflow import facts, ir
from forge_lsp.dataflow.facts import Origin
from tests.unit.dataflow.helpers import origins, parse, sinks, values

HEAD = "from flask import request\n"


def one(code: str) -> facts.Value:
    found = values("python", HEAD + code)
    assert len(found) == 1, found
    return found[0]


def test_a_branch_merge_is_constant_only_when_both_arms_are() -> None:
    both = one(
        "def f(c):\n    q = 'a'\n    if c:\n        q = 'b'\n"
        "    else:\n        q = 'c'\n    sink(q)\n"
    )
    assert facts.is_constant(both)
    assert facts.constant_texts(both) == {"b", "c"}
    one_arm = one("def f(c):\n    q = 'a'\n    if c:\n        q = request.args['q']\n    sink(q)\n")
    assert not facts.is_constant(one_arm)
    assert [f.detail for f in facts.untrusted(one_arm)] == ["request.args"]


def test_a_reassignment_after_a_null_check_keeps_the_untrusted_path() -> None:
    value = one(
        "def f():\n    p = request.args.get('n')\n    if p is None:\n        p = ''\n    sink(p)\n"
    )
    assert facts.untrusted(value)[0].line == 2  # zero-based line of the read
    assert Origin.CONSTANT in {f.origin for f in value}
    replaced = one("def f():\n    p = request.args.get('n')\n    p = ''\n    sink(p)\n")
    assert facts.is_constant(replaced)


def test_a_loop_body_reaches_the_code_after_it() -> None:
    built = one("def f(xs):\n    s = 'a'\n    for x in xs:\n        s += 'b'\n    sink(s)\n")
    assert facts.constant_texts(built) == {"a", "b"}
    tainted = one(
        "def f(xs):\n    s = 'a'\n    for x in xs:\n"
        "        s = s + request.form['v']\n    sink(s)\n"
    )
    assert facts.untrusted(tainted)


def test_break_leaves_the_loop_with_its_values_and_continue_skips() -> None:
    value = one(
        "def f(xs):\n    w = 'x'\n    while True:\n        if xs:\n            w = 'a'\n"
        "            break\n        w = request.args['w']\n    sink(w)\n"
    )
    assert facts.constant_texts(value) == {"a"}
    assert facts.is_constant(value)


def test_a_collection_put_then_get() -> None:
    tainted = one("def f():\n    d = {}\n    d['k'] = request.args['v']\n    sink(d['k'])\n")
    assert facts.untrusted(tainted)
    listed = one("def f():\n    xs = []\n    xs.append('a')\n    xs.append('b')\n    sink(xs[0])\n")
    assert facts.is_constant(listed)


def test_a_same_file_helper_returns_untrusted_or_its_parameter() -> None:
    reads = one("def read():\n    return request.args['x']\n\ndef f():\n    sink(read())\n")
    assert facts.untrusted(reads)
    passes = "def wrap(x):\n    return 'pre' + x\n\ndef f(a):\n    sink(wrap({}))\n"
    assert facts.is_constant(one(passes.format("'lit'")))
    assert facts.untrusted(one(passes.format("request.args['a']")))
    assert facts.parameters(one(passes.format("a")))[0].detail == "a"


def test_a_recursive_helper_does_not_loop() -> None:
    value = one(
        "def f(n):\n    if n:\n        return f(n - 1)\n"
        "    return 'x'\n\ndef g():\n    sink(f(3))\n"
    )
    assert Origin.CONSTANT in {f.origin for f in value}


def test_a_builder_joins_its_parts() -> None:
    safe = one("def f():\n    parts = ['a']\n    parts.append('b')\n    sink(', '.join(parts))\n")
    assert facts.is_constant(safe)
    unsafe = one(
        "def f():\n    parts = ['a']\n    parts.append(request.args['c'])\n"
        "    sink(', '.join(parts))\n"
    )
    assert facts.untrusted(unsafe)
    fstring = one("def f():\n    t = request.args['t']\n    sink(f'SELECT * FROM {t}')\n")
    assert facts.untrusted(fstring)


def test_a_dead_branch_behind_a_constant_counts_for_nothing() -> None:
    code = (
        HEAD + "DEBUG = False\n\ndef f():\n    q = 'a'\n    if {}:\n"
        "        q = request.args['q']\n    sink(q)\n"
    )
    for condition in ("DEBUG", "False", "1 == 2", "not True", "5 < 3"):
        flow, tree = parse("python", code.format(condition))
        (found,) = sinks(tree)
        assert facts.is_constant(flow.value(found.arg)), condition
    flow, tree = parse("python", code.format("request.args"))
    assert facts.untrusted(flow.value(sinks(tree)[0].arg))


def test_is_dead_marks_the_arm_that_never_runs() -> None:
    flow, tree = parse("python", "def f():\n    if False:\n        sink(1)\n    sink(2)\n")
    first, second = sinks(tree)
    assert flow.is_dead(first.call)
    assert not flow.is_dead(second.call)


def test_sanitizers_make_the_value_safe() -> None:
    assert origins(one("def f():\n    sink(int(request.args['n']))\n")) == {"sanitized"}
    assert origins(one("import uuid\ndef f():\n    sink(uuid.UUID(request.args['n']))\n")) == {
        "sanitized"
    }
    assert origins(one("def f():\n    sink(str(request.args['n']))\n")) == {"untrusted"}


def test_an_allow_list_guard_sanitizes_inside_and_after_an_early_exit() -> None:
    inside = one(
        "ALLOWED = {'a', 'b'}\ndef f():\n    c = request.args['c']\n"
        "    if c in ALLOWED:\n        sink(c)\n"
    )
    assert origins(inside) == {"sanitized"}
    after = one(
        "ALLOWED = {'a', 'b'}\ndef f():\n    c = request.args['c']\n"
        "    if c not in ALLOWED:\n        abort(400)\n    sink(c)\n"
    )
    assert origins(after) == {"sanitized"}
    no_exit = one(
        "ALLOWED = {'a', 'b'}\ndef f():\n    c = request.args['c']\n"
        "    if c not in ALLOWED:\n        log(c)\n    sink(c)\n"
    )
    assert facts.untrusted(no_exit)
    digits = one("def f():\n    c = request.args['c']\n    if c.isdigit():\n        sink(c)\n")
    assert origins(digits) == {"sanitized"}


def test_a_lookup_in_a_constant_map_is_sanitized() -> None:
    value = one("COLS = {'n': 'name', 'a': 'age'}\ndef f():\n    sink(COLS[request.args['c']])\n")
    assert origins(value) == {"sanitized"}
    got = one("COLS = {'n': 'name'}\ndef f():\n    sink(COLS.get(request.args['c'], 'name'))\n")
    assert origins(got) == {"sanitized", "constant"}
    mutable = one("def f(m):\n    sink(m[request.args['c']])\n")
    assert origins(mutable) == {"parameter"}


def test_a_parameter_of_a_public_handler_is_untrusted() -> None:
    routed = one("@app.route('/u/<uid>')\ndef user(uid):\n    sink(uid)\n")
    assert facts.untrusted(routed)[0].detail == "a route parameter"
    plain = one("def user(uid):\n    sink(uid)\n")
    assert origins(plain) == {"parameter"}
    fastapi = one("def items(q: str = Query(None)):\n    sink(q)\n")
    assert facts.untrusted(fastapi)


def test_stdin_sockets_and_queue_callbacks() -> None:
    assert facts.untrusted(one("def f():\n    sink(input())\n"))
    assert facts.untrusted(one("def f(sock):\n    data = sock.recv(1024)\n    sink(data)\n"))
    consumer = one(
        "def on_message(ch, method, properties, body):\n    sink(body)\n\n"
        "channel.basic_consume(queue='q', on_message_callback=on_message)\n"
    )
    assert facts.untrusted(consumer)[0].detail == "a message queue"


def test_try_handlers_see_every_point_of_the_body() -> None:
    value = one(
        "def f():\n    v = 'a'\n    try:\n        v = request.args['v']\n        g()\n"
        "    except KeyError:\n        sink(v)\n"
    )
    assert facts.untrusted(value) and Origin.CONSTANT in {f.origin for f in value}


def test_with_targets_tuple_unpacking_and_closures() -> None:
    unpacked = one("def f():\n    a, b = 'x', request.args['b']\n    sink(a)\n")
    assert facts.is_constant(unpacked)
    element = one("def f():\n    a, b = request.args['b'].split(',')\n    sink(a)\n")
    assert facts.untrusted(element)
    closure = one("def f():\n    t = 'users'\n    def g():\n        sink(t)\n    g()\n")
    assert facts.is_constant(closure)
    module = one("TABLE = 'users'\ndef f():\n    sink(TABLE)\n")
    assert facts.is_constant(module)


def test_summary_says_what_a_function_returns_and_raises() -> None:
    flow, _ = parse(
        "python",
        "def ident(x):\n    return x\n\ndef boom():\n    raise ValueError()\n",
    )
    ident = flow.summary("ident")
    assert ident is not None and facts.parameters(ident.returns)[0].detail == "x"
    boom = flow.summary("boom")
    assert boom is not None and boom.raises and not boom.returns
    assert flow.summary("missing") is None


def test_param_reaches() -> None:
    flow, tree = parse("python", "def run(a, b):\n    q = 'x' + b\n    sink(q)\n")
    (found,) = sinks(tree)
    function = flow.function_at(found.call)
    assert function is not None and function.name == "run"
    assert flow.param_reaches(function, 1, found.arg)
    assert not flow.param_reaches(function, 0, found.arg)


def test_syntax_errors_give_unknown_not_an_exception() -> None:
    found = values("python", "def f(:\n    x = = request.args\n    sink(x)\n")
    for value in found:
        assert isinstance(value, frozenset) and value


def test_calls_to_finds_where_a_helper_is_called_and_shape_reads_them() -> None:
    flow, _ = parse(
        "python",
        HEAD + "def run(q):\n    db.execute(q)\n\n"
        "def view():\n    run('SELECT 1')\n    run(request.args['q'])\n    self.run('x')\n",
    )
    calls = flow.calls_to("run")
    assert [c.start_point[0] for c in calls] == [5, 6, 7]
    shapes = [flow.shape(c) for c in calls]
    assert all(isinstance(s, ir.Call) for s in shapes)
    args = [s.args[0] for s in shapes if isinstance(s, ir.Call)]
    assert facts.is_constant(flow.value(args[0]))
    assert facts.untrusted(flow.value(args[1]))
    (execute,) = flow.calls_to("execute")
    sql = flow.shape(execute)
    assert isinstance(sql, ir.Call)
    summary = flow.summary("run")
    assert summary is not None
    assert flow.param_reaches(summary.function, 0, sql.args[0])
    assert not flow.param_reaches(summary.function, 0, execute.child_by_field_name("function"))


def test_django_views_and_fastapi_dependencies() -> None:
    view = "class V(View):\n    def get(self, request, pk):\n        sink(pk)\n"
    assert facts.untrusted(one(view))[0].detail == "a view path parameter"
    helper = "class V:\n    def render(self, request, pk):\n        sink(pk)\n"
    assert origins(one(helper)) == {"parameter"}
    function_view = "@login_required\ndef detail(request, slug):\n    sink(slug)\n"
    assert facts.untrusted(one(function_view))
    depends = (
        "@app.get('/items')\ndef items(q: str, db: Session = Depends(get_db)):\n    sink({})\n"
    )
    assert facts.untrusted(one(depends.format("q")))
    assert origins(one(depends.format("db"))) == {"parameter"}
