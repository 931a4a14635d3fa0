"""dashboard.memo.built: a figure or table built once per distinct input and language,
shared by every session (issue 13), never shared between different inputs."""

from __future__ import annotations

import gc
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
    assert len(memo._built) == 3


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


# A run's own copy of a cached query result (memo.shared_copy) is keyed by the
# original's content, hashed once; any change made to the copy in place is seen.


def _result_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region": pd.Series(["Africa", "Asia", "Europe"], dtype="str"),
            "projects": [3, 1, 2],
            "share": [0.5, 0.2, 0.3],
        }
    )


def test_an_unchanged_copy_is_keyed_by_its_original_hashed_once(monkeypatch):
    cached = _result_frame()
    digests = []
    real_digest = memo._digest
    monkeypatch.setattr(memo, "_digest", lambda value: digests.append(1) or real_digest(value))
    keys = {memo.key_of(memo.shared_copy(cached)) for _ in range(5)}  # five runs
    assert len(digests) == 1
    assert keys == {("DataFrame", real_digest(cached.copy(deep=False)))}  # its content's


# Each change works on whatever columns earlier changes left (by position).
def _set_cell(frame):
    frame.iat[0, -1] = frame.iat[2, -1]  # another row's value: the column's own type


def _set_text(frame):
    frame.iat[1, 0] = "Americas"


def _add_column(frame):
    frame["more"] = 1


def _replace_column(frame):
    frame[frame.columns[-1]] = 2


def _rename_columns(frame):
    frame.columns = [f"c{i}" for i in range(len(frame.columns))]


def _rename_in_place(frame):
    frame.rename(columns={frame.columns[0]: "n"}, inplace=True)  # deprecated, possible


def _name_index(frame):
    frame.index.name = "row"


def _name_columns(frame):
    frame.columns.name = "what"


def _new_index(frame):
    frame.index = [10, 11, 12]


def _drop_column(frame):
    if len(frame.columns) > 1:
        del frame[frame.columns[-1]]


def _set_attrs(frame):
    frame.attrs["note"] = "changed"


def _fill_missing(frame):
    frame.iat[1, 0] = None
    frame.fillna({frame.columns[0]: frame.iloc[0, 0]}, inplace=True)


CHANGES = [
    _set_cell,
    _set_text,
    _add_column,
    _replace_column,
    _rename_columns,
    _rename_in_place,
    _name_index,
    _name_columns,
    _new_index,
    _drop_column,
    _set_attrs,
    _fill_missing,
]


@pytest.mark.filterwarnings("ignore:The inplace keyword")  # pandas 3.1: deprecated, possible
@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(CHANGES), max_size=3), st.booleans(), st.booleans())
def test_a_copy_changed_in_place_is_keyed_by_what_it_holds_now(changes, keyed_before, dropped):
    cached = _result_frame()
    original_key = memo.key_of(cached)
    unchanged_key = ("DataFrame", memo._digest(cached.copy(deep=False)))
    if keyed_before:  # its original's digest already known from another run's copy
        assert memo.key_of(memo.shared_copy(cached)) == unchanged_key
    copy = memo.shared_copy(cached)
    if dropped:  # the cache let the original go while a run still holds its copy (review)
        del cached
        gc.collect()
        cached = _result_frame()  # an equal frame, to compare with
    for change in changes:
        change(copy)
    assert memo.key_of(copy) == ("DataFrame", memo._digest(copy))  # its content, now
    assert memo.key_of(cached) == original_key  # the cached frame is untouched
    if not copy.equals(cached) or list(copy.columns) != list(cached.columns):
        assert memo.key_of(copy) != unchanged_key


def test_a_series_copy_renamed_in_place_is_keyed_anew():
    cached = pd.Series([1, 2], name="projects")
    copy = memo.shared_copy(cached)
    unchanged = memo.key_of(copy)
    copy.name = "exchanges"
    assert memo.key_of(copy) == ("Series", memo._digest(copy)) != unchanged


def test_query_results_are_kept_apart_from_built_figures():
    calls.clear()
    frame = pd.DataFrame({"x": [1]})
    first = memo.result(count_rows, frame)
    memo.clear()  # the built figures go; query results stay (keyed by warehouse version)
    assert memo.result(count_rows, frame) is first
    memo.clear_results()
    memo.result(count_rows, frame)
    assert len(calls) == 2


def _share_table(frame: pd.DataFrame, scale: int) -> tuple[pd.DataFrame, str]:
    shown = frame.assign(share=frame["share"] * scale)
    return shown, f"{len(shown)} rows"


def test_a_built_frame_handed_on_is_keyed_without_hashing_it(monkeypatch):
    """A page hands a built table to another builder (its summary, `tables.fitted`): its
    key comes from the build that made it, not from pickling it every run."""
    digests = []
    real_digest = memo._digest
    monkeypatch.setattr(memo, "_digest", lambda value: digests.append(1) or real_digest(value))
    table, _text = memo.built(_share_table, memo.shared_copy(_result_frame()), 100)
    digests.clear()
    keys = {memo.key_of(table) for _ in range(5)}  # five runs handing it on
    assert digests == [] and len(keys) == 1
    other, _text = memo.built(_share_table, memo.shared_copy(_result_frame()), 10)
    assert memo.key_of(other) != memo.key_of(table)  # another build, another key
    again, _text = memo.built(_share_table, memo.shared_copy(_result_frame()), 100)
    assert again is table  # the same build: the same shared frame, the same key


@pytest.mark.filterwarnings("ignore:The inplace keyword")  # pandas 3.1: deprecated, possible
@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(CHANGES), min_size=1, max_size=2))
def test_a_built_frame_changed_in_place_is_keyed_by_what_it_holds_now(changes):
    """Callers must not change what `built` returns; one that does gets a key from the
    content it holds now, never the build's (no stale entry for a changed table)."""
    memo.clear()  # each example builds anew (the fixture clears once per test)
    table, _text = memo.built(_share_table, _result_frame(), 100)
    build_key = memo.key_of(table)
    for change in changes:
        change(table)
    assert memo.key_of(table) == ("DataFrame", memo._digest(table))
    assert memo.key_of(table) != build_key  # never the build's key once changed
