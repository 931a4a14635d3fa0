"""dashboard.memo.built: a figure or table built once per distinct input and language,
shared by every session (issue 13), never shared between different inputs."""

from __future__ import annotations

import threading
import time

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard import i18n, memo


@pytest.fixture(autouse=True)
def empty_memo():
    memo.clear()
    yield
    memo.clear()


calls: list[tuple] = []


def count_rows(frame: pd.DataFrame, *, label: str = "rows") -> str:
    calls.append((len(frame), label))
    return f"{i18n._('Table')}: {len(frame)} {label}"


def test_equal_inputs_are_built_once_and_different_ones_again():
    calls.clear()
    a = pd.DataFrame({"x": [1, 2], "y": ["a", "b"]})
    same = pd.DataFrame({"x": [1, 2], "y": ["a", "b"]})  # another object, equal content
    first = memo.built(count_rows, a, label="rows")
    assert memo.built(count_rows, same, label="rows") is first
    assert len(calls) == 1
    memo.built(count_rows, a.assign(y=["a", "c"]), label="rows")  # one cell differs
    memo.built(count_rows, a, label="lines")  # a keyword differs
    memo.built(count_rows, a.astype({"x": "float64"}), label="rows")  # a dtype differs
    assert len(calls) == 4


def test_each_language_gets_its_own_entry():
    frame = pd.DataFrame({"x": [1]})
    with i18n.using("fr"):
        french = memo.built(count_rows, frame)
    assert memo.built(count_rows, frame) == "Table: 1 rows"
    assert french == "Tableau: 1 rows"


def test_sessions_asking_at_once_wait_for_one_build():
    started = []

    def slow(n: int) -> list[int]:
        started.append(n)
        time.sleep(0.2)
        return list(range(n))

    results = []
    threads = [
        threading.Thread(target=lambda: results.append(memo.built(slow, 3))) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert started == [3]  # built once
    assert len(results) == 8 and all(r is results[0] for r in results)


def test_a_failed_build_is_not_kept():
    attempts = []

    def flaky(n: int) -> int:
        attempts.append(n)
        if len(attempts) == 1:
            raise ValueError("first time")
        return n

    with pytest.raises(ValueError):
        memo.built(flaky, 1)
    assert memo.built(flaky, 1) == 1
    assert len(attempts) == 2


def test_the_memo_is_bounded(monkeypatch):
    monkeypatch.setattr(memo, "MAX_ENTRIES", 3)
    for n in range(10):
        memo.built(str, n)
    assert len(memo._entries) == 3


cells = st.one_of(st.integers(-5, 5), st.text(max_size=3), st.none(), st.floats(0, 1))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(cells, cells), min_size=1, max_size=6), st.data())
def test_frames_that_differ_anywhere_never_share_a_key(rows, data):
    frame = pd.DataFrame(rows, columns=["a", "b"])
    i = data.draw(st.integers(0, len(rows) - 1))
    new_row = data.draw(st.tuples(cells, cells))
    changed = pd.DataFrame([*rows[:i], new_row, *rows[i + 1 :]], columns=["a", "b"])
    if changed.equals(frame):  # equal cells and dtypes: they may share
        return
    assert memo.key_of(changed) != memo.key_of(frame)
