"""Page runs take turns (dashboard/ui/admission.py `run_slot`, issue 13): at most
ATLAS_RUN_SLOTS at a time, a run never waits forever for a turn, and long work inside a
run (an inventory's build) gives its turn to the next in line."""

from __future__ import annotations

import gc
import itertools
import threading

import pytest

from dashboard.ui import admission


@pytest.fixture
def turns(monkeypatch):
    def make(limit: str, wait_s: float = 30.0) -> admission._Turns:
        monkeypatch.setenv(admission.RUN_SLOTS_ENV, limit)
        monkeypatch.setattr(admission, "SLOT_WAIT_S", wait_s)
        return admission._Turns()

    return make


def _run_in_thread(turns: admission._Turns, inside: threading.Event, leave: threading.Event):
    def run() -> None:
        with turns.run():
            inside.set()
            leave.wait(30)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_a_run_waits_while_every_turn_is_taken_and_goes_when_one_frees(turns):
    one = turns("1")
    first_in, first_leave = threading.Event(), threading.Event()
    second_in, second_leave = threading.Event(), threading.Event()
    first = _run_in_thread(one, first_in, first_leave)
    assert first_in.wait(10)
    second = _run_in_thread(one, second_in, second_leave)
    assert not second_in.wait(0.3)  # the only turn is taken
    first_leave.set()
    assert second_in.wait(10)  # and given on
    second_leave.set()
    first.join(10), second.join(10)


def test_two_turns_let_two_runs_in_at_once(turns):
    two = turns("2")
    events = [(threading.Event(), threading.Event()) for _ in range(2)]
    threads = [_run_in_thread(two, inside, leave) for inside, leave in events]
    assert all(inside.wait(10) for inside, _ in events)
    for _, leave in events:
        leave.set()
    for thread in threads:
        thread.join(10)


def test_a_run_waiting_too_long_goes_ahead_without_a_turn(turns):
    one = turns("1", wait_s=0.05)
    first_in, first_leave = threading.Event(), threading.Event()
    second_in, second_leave = threading.Event(), threading.Event()
    first = _run_in_thread(one, first_in, first_leave)
    assert first_in.wait(10)
    second = _run_in_thread(one, second_in, second_leave)
    assert second_in.wait(10)  # while the first still holds the turn
    second_leave.set()
    second.join(10)
    first_leave.set()
    first.join(10)
    assert one.queue().free == 1  # nothing was given back twice or kept: one turn, free


def test_long_work_gives_its_turn_away_and_takes_it_back(turns):
    one = turns("1")
    other_in, other_leave = threading.Event(), threading.Event()
    with one.run():
        with one.released():
            other = _run_in_thread(one, other_in, other_leave)
            assert other_in.wait(10)  # the other run went while this one built
            other_leave.set()
            other.join(10)
        assert one.queue().free == 0  # held again
    assert one.queue().free == 1  # and given back at the end


def test_turns_go_first_come_first_served(turns):
    """A freed turn goes to the longest waiter (a semaphore let newcomers barge in)."""
    queue = admission._Queue(1)
    assert queue.take(1)
    order: list[int] = []
    lined_up = []
    for n in range(3):
        lined_up.append(threading.Thread(target=lambda n=n: queue.take(30) and order.append(n)))
        lined_up[-1].start()
        while len(queue._waiting) <= n:  # this one is in line before the next comes
            threading.Event().wait(0.01)
    for n in range(3):
        queue.give()
        lined_up[n].join(10)
    assert order == [0, 1, 2]
    queue.give()
    assert queue.free == 1


def test_no_limit_and_bad_settings(turns):
    assert turns("0").queue() is None  # 0: every run goes at once
    assert turns("many")._limit is None  # read when first needed
    bad = turns("many")
    bad.queue()
    assert bad._limit == admission.RUN_SLOTS  # a bad value is the default, not a crash


def test_a_nested_run_does_not_wait_for_its_own_turn(turns):
    one = turns("1")
    with one.run(), one.run():
        assert one.queue().free == 0
    assert one.queue().free == 1


def test_a_served_process_settles_its_heap_once_after_the_warm_up(turns, monkeypatch):
    settled = []
    monkeypatch.setattr(admission, "settle_heap", lambda: settled.append(True))
    monkeypatch.setattr(admission, "_runs", itertools.count(1))
    monkeypatch.setattr(admission, "_runtime", lambda: object())  # a real server
    two = turns("2")
    for _ in range(admission.SETTLE_AFTER_RUNS * 2):
        with two.run():
            pass
    assert settled == [True]


def test_a_process_without_a_server_never_settles_its_heap(turns, monkeypatch):
    settled = []
    monkeypatch.setattr(admission, "settle_heap", lambda: settled.append(True))
    monkeypatch.setattr(admission, "_runs", itertools.count(1))
    two = turns("2")
    for _ in range(admission.SETTLE_AFTER_RUNS * 2):
        with two.run():
            pass
    assert settled == []


def test_settling_the_heap_freezes_what_is_held_and_makes_full_passes_rarer():
    threshold = gc.get_threshold()
    try:
        admission.settle_heap()
        assert gc.get_freeze_count() > 1000  # this test process's modules at least
        assert gc.get_threshold()[2] == 100
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)


def test_a_run_that_reruns_goes_to_the_front_of_the_line(turns):
    """st.rerun (a story's next step, a click during the run) runs the script again at
    once in the same thread: it waits for the run it handed its turn to, not for the
    whole line (review)."""
    from streamlit.runtime.scriptrunner_utils.exceptions import RerunException

    one = turns("1")
    queue = one.queue()
    first_in, first_leave = threading.Event(), threading.Event()
    second_in, second_leave = threading.Event(), threading.Event()
    rerun_in = threading.Event()
    lined_up = []

    def session() -> None:
        try:
            with one.run():
                for inside, leave in ((first_in, first_leave), (second_in, second_leave)):
                    lined_up.append(_run_in_thread(one, inside, leave))
                    while len(queue._waiting) < len(lined_up):  # in line, in this order
                        threading.Event().wait(0.01)
                raise RerunException(None)
        except RerunException:
            pass
        with one.run():  # Streamlit's rerun, in this thread
            went_before_the_second.append(not second_in.is_set())
            rerun_in.set()

    went_before_the_second: list[bool] = []
    thread = threading.Thread(target=session, daemon=True)
    thread.start()
    assert first_in.wait(10)  # the turn went to the first in line…
    while len(queue._waiting) < 2:  # …and the rerun stood in front of the second
        threading.Event().wait(0.01)
    first_leave.set()
    assert rerun_in.wait(10)
    assert went_before_the_second == [True]
    thread.join(10)
    assert second_in.wait(10)
    second_leave.set()
    for waiter in lined_up:
        waiter.join(10)
    assert queue.free == 1


def test_long_work_takes_its_turn_back_at_the_front(turns):
    one = turns("1")
    queue = one.queue()
    other_in, other_leave = threading.Event(), threading.Event()
    with one.run():
        with one.released():
            queue.take(1)  # another run took the freed turn…
            other = _run_in_thread(one, other_in, other_leave)  # …and one more waits
            while not queue._waiting:
                threading.Event().wait(0.01)
            threading.Timer(0.2, queue.give).start()  # the other run ends
        assert queue._waiting  # this run took the turn before the one waiting
    assert other_in.wait(10)
    other_leave.set()
    other.join(10)
    assert queue.free == 1


def test_the_heap_settles_as_the_warm_up_ends():
    """The warm-up (tools/warm.py) opens each page of bench/sessions.PAGES once; the heap
    is settled after that many runs, not amid the first visitors."""
    from bench.sessions import PAGES as WARMED
    from dashboard.pages import PAGES

    assert sorted(WARMED) == sorted(page.path for page in PAGES)
    assert len(WARMED) == admission.SETTLE_AFTER_RUNS
