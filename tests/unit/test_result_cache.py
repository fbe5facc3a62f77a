"""The result cache: keys, hits, LRU bounds, persistence, threads and corrupt files."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from forge_lsp.ai.result_cache import CachedResult, ResultCache, cache_key

USAGE = {"input_tokens": 1200, "output_tokens": 300, "cache_read_input_tokens": 900}


def _result(text: str = "### Answer\nUse a pool.", task: str = "ask") -> CachedResult:
    return CachedResult(task=task, model="claude-sonnet-5", text=text, usage=USAGE)


def test_the_key_changes_with_each_part_and_only_with_them():
    base = cache_key("ask", "claude-sonnet-5", "3", "def f(): pass")
    assert base == cache_key("ask", "claude-sonnet-5", "3", "def f(): pass")
    assert len({
        base,
        cache_key("review", "claude-sonnet-5", "3", "def f(): pass"),
        cache_key("ask", "claude-opus-5", "3", "def f(): pass"),
        cache_key("ask", "claude-sonnet-5", "4", "def f(): pass"),
        cache_key("ask", "claude-sonnet-5", "3", "def f():  pass"),
    }) == 5  # fmt: skip
    # Parts cannot run into each other: ("ab", "c") is not ("a", "bc").
    assert cache_key("ab", "c", "1", "x") != cache_key("a", "bc", "1", "x")
    assert "def f" not in base


def test_a_stored_result_comes_back_with_its_usage(tmp_path):
    cache = ResultCache(tmp_path / "results.db")
    key = cache_key("review", "claude-sonnet-5", "1", "code")
    assert cache.get(key) is None
    cache.put(key, _result('{"findings": []}', task="review"))
    hit = cache.get(key)
    assert hit is not None
    assert (hit.task, hit.model, hit.text) == ("review", "claude-sonnet-5", '{"findings": []}')
    assert hit.usage == USAGE
    assert hit.created_at is not None


def test_results_persist_across_instances(tmp_path):
    ResultCache(tmp_path / "results.db").put("k", _result("persisted ✓"))
    hit = ResultCache(tmp_path / "results.db").get("k")
    assert hit is not None and hit.text == "persisted ✓"


def test_the_least_recently_used_entry_goes_first(tmp_path):
    cache = ResultCache(tmp_path / "results.db", max_entries=3)
    for key in "abc":
        cache.put(key, _result(key))
    assert cache.get("a") is not None  # a is now the most recent; b is the oldest
    cache.put("d", _result("d"))
    assert len(cache) == 3
    assert cache.get("b") is None
    assert all(cache.get(key) is not None for key in "acd")


def test_the_byte_bound_evicts_until_it_fits(tmp_path):
    cache = ResultCache(tmp_path / "results.db", max_entries=100, max_bytes=3_000)
    for index in range(10):
        cache.put(f"k{index}", _result("x" * 900))
    assert cache.size_bytes() <= 3_000
    assert len(cache) < 4
    assert cache.get("k9") is not None and cache.get("k0") is None


def test_a_result_bigger_than_the_whole_cache_is_not_stored(tmp_path):
    cache = ResultCache(tmp_path / "results.db", max_bytes=1_000)
    cache.put("small", _result("ok"))
    cache.put("huge", _result("x" * 5_000))
    assert cache.get("huge") is None
    assert cache.get("small") is not None


def test_putting_a_key_again_replaces_it(tmp_path):
    cache = ResultCache(tmp_path / "results.db")
    cache.put("k", _result("old"))
    cache.put("k", _result("new"))
    assert len(cache) == 1
    hit = cache.get("k")
    assert hit is not None and hit.text == "new"


def test_threads_share_one_cache_safely(tmp_path):
    cache = ResultCache(tmp_path / "results.db", max_entries=1000)
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            for index in range(30):
                key = f"{worker}-{index}"
                cache.put(key, _result(key))
                hit = cache.get(key)
                assert hit is not None and hit.text == key
        except BaseException as error:  # collected for the main thread to report
            errors.append(error)

    threads = [threading.Thread(target=work, args=(worker,)) for worker in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(cache) == 180 and cache.problem is None


def test_two_processes_worth_of_connections_share_the_file(tmp_path):
    first = ResultCache(tmp_path / "results.db")
    second = ResultCache(tmp_path / "results.db")
    first.put("k", _result("from the first"))
    hit = second.get("k")
    assert hit is not None and hit.text == "from the first"


def test_a_corrupt_file_is_cleared_with_a_warning(tmp_path, caplog):
    path = tmp_path / "results.db"
    path.write_bytes(b"garbage, not SQLite" * 200)
    cache = ResultCache(path)
    assert cache.problem is not None and "cleared" in cache.problem
    assert "cleared" in caplog.text
    assert cache.get("k") is None
    cache.put("k", _result())
    assert ResultCache(path).get("k") is not None  # a working file again


def test_a_file_damaged_while_open_is_recovered_without_an_error(tmp_path):
    path = tmp_path / "results.db"
    cache = ResultCache(path)
    cache.put("k", _result())
    # Another process replaces the table with something unusable under our feet.
    other = sqlite3.connect(path)
    other.execute("DROP TABLE results")
    other.execute("CREATE TABLE results (unrelated INTEGER)")
    other.commit()
    other.close()
    assert cache.get("k") is None  # no exception reaches the caller
    cache.put("k2", _result("after"))
    hit = cache.get("k2")
    assert hit is not None and hit.text == "after"
    assert cache.problem is not None and "cleared" in cache.problem
    assert ResultCache(path).get("k2") is not None  # the file was rebuilt, not abandoned


def test_an_unwritable_location_keeps_results_in_memory(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    cache = ResultCache(blocker / "sub" / "results.db")
    assert cache.problem is not None and "memory" in cache.problem
    cache.put("k", _result())
    assert cache.get("k") is not None


def test_bounds_must_leave_room():
    with pytest.raises(ValueError):
        ResultCache(None, max_entries=0)
