"""A large predict batch split into row chunks run in threads: same answers, every thread used,
errors of any chunk reported as the whole batch's would be."""

import math
import threading
import time

import numpy as np
import pandas as pd
import pytest
from threadpoolctl import threadpool_info

from automl_core import AutoML, DataError
from automl_core.model import PARALLEL_ROWS, output_by_chunks, rows_where_split_pays, split_rows
from automl_core.model._row_chunks import SPLIT_GAIN
from automl_core.search import thread_limit


def _sums_and_threads(seen: list):
    def output(X: pd.DataFrame) -> np.ndarray:
        seen.append((threading.get_ident(), len(X), [info["num_threads"] for info in threadpool_info()]))
        return X.to_numpy().sum(axis=1)

    return output


def test_a_large_batch_is_split_into_one_chunk_per_thread_and_joined_in_row_order():
    X = pd.DataFrame({"a": np.arange(3 * PARALLEL_ROWS, dtype=float), "b": 1.0})
    seen: list = []
    out = output_by_chunks(_sums_and_threads(seen), X, 3, thread_limit)
    np.testing.assert_array_equal(out, X["a"].to_numpy() + 1.0)
    assert sorted(rows for _, rows, _ in seen) == [PARALLEL_ROWS] * 3
    assert len({ident for ident, _, _ in seen}) == 3 and threading.get_ident() not in {i for i, _, _ in seen}
    assert all(all(n == 1 for n in pools) for _, _, pools in seen)  # no thread pool beyond one thread per chunk


def test_concurrent_batches_add_one_thread_each_instead_of_multiplying_them():
    """Two large batches at once (a server's concurrent requests): one is split into chunks,
    the other runs whole in its caller's thread; afterwards a batch is split again."""
    X = pd.DataFrame({"a": np.arange(2 * PARALLEL_ROWS, dtype=float)})
    seen: list = []
    both_started = threading.Barrier(2)

    def slow(X: pd.DataFrame) -> np.ndarray:
        seen.append((threading.current_thread().name, len(X)))
        time.sleep(0.5)  # long enough for the two calls to overlap
        return X.to_numpy().sum(axis=1)

    def call(results: list) -> None:
        both_started.wait()
        results.append(output_by_chunks(slow, X, 2, thread_limit))

    results: list = []
    callers = [threading.Thread(target=call, args=(results,), name=f"caller-{i}") for i in range(2)]
    for t in callers:
        t.start()
    for t in callers:
        t.join()
    assert len(results) == 2 and all(np.array_equal(r, X["a"].to_numpy()) for r in results)
    whole = [name for name, rows in seen if rows == len(X)]
    chunks = [name for name, rows in seen if rows == PARALLEL_ROWS]
    assert len(whole) == 1 and whole[0].startswith("caller-")  # the other batch, in its caller's thread
    assert len(chunks) == 2 and all(name.startswith("automl-predict") for name in chunks)
    seen.clear()
    output_by_chunks(slow, X, 2, thread_limit)
    assert sorted(rows for _, rows in seen) == [PARALLEL_ROWS] * 2  # split again once the first is done


def test_a_small_batch_runs_whole_in_the_calling_thread():
    X = pd.DataFrame({"a": np.arange(PARALLEL_ROWS - 1, dtype=float)})
    seen: list = []
    output_by_chunks(_sums_and_threads(seen), X, 4, thread_limit)
    assert [(ident, rows) for ident, rows, _ in seen] == [(threading.get_ident(), PARALLEL_ROWS - 1)]
    # chunks are never smaller than half the threshold: 1.5 x PARALLEL_ROWS rows in 4 threads make 3
    seen.clear()
    output_by_chunks(_sums_and_threads(seen), pd.DataFrame({"a": np.zeros(PARALLEL_ROWS * 3 // 2)}), 4, thread_limit)
    assert sorted(rows for _, rows, _ in seen) == [PARALLEL_ROWS // 2] * 3


def test_an_error_in_one_chunk_is_raised_to_the_caller():
    X = pd.DataFrame({"a": np.arange(2 * PARALLEL_ROWS, dtype=float)})

    def output(part: pd.DataFrame) -> np.ndarray:
        if part["a"].iloc[-1] == X["a"].iloc[-1]:
            raise ValueError("the last chunk failed")
        return part.to_numpy()[:, 0]

    with pytest.raises(ValueError, match="the last chunk failed"):
        output_by_chunks(output, X, 2, thread_limit)


def test_a_check_of_the_batch_as_a_whole_answers_as_it_would_unsplit():
    # a plugin that refuses a batch whose date column parsed in no row: split, one chunk holds
    # only the row that does not parse, and would refuse what the whole batch passes
    X = pd.DataFrame({"parsed": [True] + [False] * (2 * PARALLEL_ROWS - 1), "v": np.arange(2 * PARALLEL_ROWS)})
    calls: list[int] = []

    def output(part: pd.DataFrame) -> np.ndarray:
        calls.append(len(part))
        if not part["parsed"].any():
            raise DataError("column 'when': no value parses as a date")
        return part["v"].to_numpy() * 2.0

    np.testing.assert_array_equal(output_by_chunks(output, X, 2, thread_limit), X["v"].to_numpy() * 2.0)
    assert sorted(calls) == [PARALLEL_ROWS, PARALLEL_ROWS, 2 * PARALLEL_ROWS]  # two chunks, then the whole batch


@pytest.fixture(scope="module")
def penguins_model(dataset):
    frame, target, _ = dataset("penguins")
    model = AutoML(time_budget=15, max_trials=2, families=["random_forest"], n_workers=1, seed=0).fit(
        frame, target=target
    )
    batch = frame.drop(columns=target).sample(4 * PARALLEL_ROWS, replace=True, random_state=0)
    return model, batch.reset_index(drop=True)


@pytest.mark.slow
def test_a_fitted_model_answers_the_same_in_threads_as_in_one(penguins_model):
    model, batch = penguins_model
    model._split_from = PARALLEL_ROWS  # split, whatever the timing after fit found
    model.set_params(n_jobs=1)
    alone, labels = model.predict_proba(batch), model.predict(batch)
    model.set_params(n_jobs=3)
    np.testing.assert_allclose(model.predict_proba(batch), alone, rtol=0, atol=1e-15)
    np.testing.assert_array_equal(model.predict(batch), labels)
    # row for row what smaller batches, predicted whole in the calling thread, answer
    np.testing.assert_allclose(model.predict_proba(batch.tail(10)), alone[-10:], rtol=0, atol=1e-15)


@pytest.mark.slow
def test_a_bad_value_in_a_later_chunk_is_named_with_its_row(penguins_model):
    model, batch = penguins_model
    model._split_from = PARALLEL_ROWS
    model.set_params(n_jobs=2)
    bad = batch.copy()
    bad.loc[len(bad) - 3, "bill_length_mm"] = 1e308
    with pytest.raises(DataError, match=rf"column 'bill_length_mm' holds 1e\+308 at row {len(bad) - 3}"):
        model.predict(bad)


def test_a_batch_below_the_models_own_size_runs_whole():
    seen: list = []
    X = pd.DataFrame({"a": np.zeros(4 * PARALLEL_ROWS)})
    output_by_chunks(_sums_and_threads(seen), X, 2, thread_limit, from_rows=4 * PARALLEL_ROWS + 1)
    assert [(ident, rows) for ident, rows, _ in seen] == [(threading.get_ident(), 4 * PARALLEL_ROWS)]
    seen.clear()
    output_by_chunks(_sums_and_threads(seen), X, 2, thread_limit, from_rows=math.inf)
    assert len(seen) == 1
    seen.clear()
    output_by_chunks(_sums_and_threads(seen), X, 2, thread_limit, from_rows=4 * PARALLEL_ROWS)
    assert sorted(rows for _, rows, _ in seen) == [2 * PARALLEL_ROWS] * 2
    seen.clear()  # never below PARALLEL_ROWS, whatever a model's timing said
    output_by_chunks(_sums_and_threads(seen), X.head(PARALLEL_ROWS - 1), 2, thread_limit, from_rows=2)
    assert len(seen) == 1


def test_where_splitting_pays_is_read_from_two_straight_lines():
    small, large, larger = PARALLEL_ROWS, 4 * PARALLEL_ROWS, 16 * PARALLEL_ROWS
    # pays at once: no larger size needed, whatever follows
    assert rows_where_split_pays([(small, SPLIT_GAIN * 0.01, 0.01)]) == small
    assert rows_where_split_pays([(small, 0.020, 0.010), (large, 0.001, 0.5)]) == small
    assert rows_where_split_pays([(small, 0.009, 0.01)]) == math.inf  # not paying, nothing to say it will
    # whole: 1 ms + 10 us a row; split: 3 ms + 5 us a row -> 1.1 x (3 + 0.005 n) = 1 + 0.01 n at n = 512.8...
    line = [(n, 0.001 + 1e-5 * n, 0.003 + 5e-6 * n) for n in (small, large)]
    expected = math.ceil((0.003 - 0.001 / SPLIT_GAIN) / (1e-5 / SPLIT_GAIN - 5e-6))
    assert rows_where_split_pays(line) == max(PARALLEL_ROWS, expected)
    # a higher fixed cost split: from 3,300 rows or so, between the sizes timed or beyond them
    line = [(n, 0.001 + 1e-5 * n, 0.02 + 5e-6 * n) for n in (small, large)]
    expected = math.ceil((0.02 - 0.001 / SPLIT_GAIN) / (1e-5 / SPLIT_GAIN - 5e-6))
    assert large < rows_where_split_pays(line) == expected
    # read from the last two sizes: the cost per row of large batches
    curved = [(small, 0.010, 0.020), (large, 0.016, 0.027), (larger, 0.040, 0.045)]
    assert rows_where_split_pays(curved) == rows_where_split_pays(curved[1:])
    # a split call that saves too little per row never pays
    assert rows_where_split_pays([(small, 0.010, 0.020), (large, 0.016, 0.026)]) == math.inf
    assert rows_where_split_pays([(small, 0.010, 0.020), (large, 0.009, 0.030)]) == math.inf


def _costs_per_row(seconds: float, hold_the_gil: bool):
    def output(X: pd.DataFrame) -> np.ndarray:
        if hold_the_gil:  # Python work: two threads take turns
            deadline = time.perf_counter() + seconds * len(X)
            while time.perf_counter() < deadline:
                pass
        else:  # work in C with the GIL released (sleeping stands for it): two threads run at once
            time.sleep(seconds * len(X))
        return X.to_numpy().sum(axis=1)

    return output


def test_a_model_that_predicts_with_the_gil_released_is_split_from_the_usual_size():
    sample = pd.DataFrame({"a": np.arange(100.0)})
    assert split_rows(_costs_per_row(2e-5, hold_the_gil=False), sample, thread_limit) == PARALLEL_ROWS


def test_a_model_whose_work_holds_the_gil_is_not_split_at_the_usual_size():
    sample = pd.DataFrame({"a": np.arange(100.0)})
    assert split_rows(_costs_per_row(2e-5, hold_the_gil=True), sample, thread_limit) > PARALLEL_ROWS


def test_a_model_that_fails_on_its_sample_keeps_the_usual_size():
    def output(X: pd.DataFrame) -> np.ndarray:
        raise ValueError("cannot predict these")

    assert split_rows(output, pd.DataFrame({"a": [1.0, 2.0]}), thread_limit) == PARALLEL_ROWS


@pytest.mark.slow
def test_a_fitted_and_a_loaded_model_know_from_which_size_to_split(penguins_model, tmp_path, monkeypatch):
    from automl_core import load

    model, batch = penguins_model
    assert model._split_from >= PARALLEL_ROWS  # a size or math.inf, timed after fit
    monkeypatch.setattr(model, "n_jobs", 2)  # two threads on any machine; the module's model is given back as it was
    model.save(tmp_path / "m")
    loaded = load(tmp_path / "m")
    assert loaded._split_from is None  # not saved, not timed at load: most loads never see a large batch
    loaded.predict(batch.head(10))
    assert loaded._split_from is None
    labels = loaded.predict(batch)  # the first batch that may be split times it, on this machine
    assert loaded._split_from >= PARALLEL_ROWS
    np.testing.assert_array_equal(labels, model.predict(batch))
    one = AutoML(time_budget=15, max_trials=1, families=["random_forest"], n_workers=1, n_jobs=1, seed=0)
    frame = batch.assign(species=model.predict(batch))
    assert one.fit(frame, target="species")._split_from == PARALLEL_ROWS  # one thread: nothing to time


@pytest.mark.slow
def test_a_fit_without_time_left_to_time_the_split_leaves_it_to_the_first_large_batch(penguins_model, monkeypatch):
    model, batch = penguins_model
    monkeypatch.setattr(model, "n_jobs", 2)
    model._ready_to_predict(time_left=0.0)  # what a fit that used its whole budget does
    assert model._split_from is None
    model.predict(batch.head(PARALLEL_ROWS - 1))  # would not be split: nothing timed
    assert model._split_from is None
    labels = model.predict(batch)
    assert model._split_from >= PARALLEL_ROWS
    np.testing.assert_array_equal(model.predict(batch), labels)
