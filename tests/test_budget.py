import time

import pytest

from automl_core.search import Deadline, can_interrupt, time_limit
from automl_core.errors import TrialTimeout


def test_time_limit_interrupts_a_running_loop():
    assert can_interrupt()
    started = time.monotonic()
    with pytest.raises(TrialTimeout, match="limit"):
        with time_limit(0.2):
            while True:
                sum(range(1000))
    assert time.monotonic() - started < 2.0


def test_time_limit_is_silent_when_the_block_finishes_and_disarms():
    with time_limit(0.5):
        value = sum(range(10))
    time.sleep(0.6)  # the alarm must have been cancelled
    assert value == 45


def test_time_limit_refuses_no_time():
    with pytest.raises(TrialTimeout, match="no time left"):
        with time_limit(0):
            pass


def test_time_limit_cannot_be_swallowed_by_except_exception():
    with pytest.raises(TrialTimeout):
        with time_limit(0.1):
            try:
                time.sleep(5)
            except Exception:  # a plugin's broad handler must not hide the timeout
                pass


def _training_loop_that_reports_signals_as_keyboard_interrupt():
    """What CatBoost 1.2 does while it trains: a signal handler's exception comes out as
    KeyboardInterrupt."""
    try:
        time.sleep(5)
    except BaseException:
        raise KeyboardInterrupt from None


def test_time_limit_recovers_its_timeout_from_a_library_that_reports_keyboard_interrupt():
    with pytest.raises(TrialTimeout, match="limit"):
        with time_limit(0.1):
            _training_loop_that_reports_signals_as_keyboard_interrupt()
    with pytest.raises(KeyboardInterrupt):  # a real interrupt, before the alarm, stays one
        with time_limit(5):
            raise KeyboardInterrupt


def test_deadline_counts_down():
    deadline = Deadline(10)
    assert 9 < deadline.remaining() <= 10
    assert 0 <= deadline.elapsed() < 1
