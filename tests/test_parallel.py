"""Trials in worker processes: every core used, limits that hold with trials in flight, a
worker that dies or hangs failing its trial only, and no worker left behind."""

from __future__ import annotations

import os
import signal
import threading
import time
import warnings

import pytest
from sklearn.dummy import DummyClassifier

from automl_core import AutoML, ModelFamily, hookimpl
from automl_core import workers as _pools

pytestmark = pytest.mark.slow


def _workers_alive() -> list[int]:
    """Worker processes of this test process (named automl-worker-N by multiprocessing)."""
    import multiprocessing

    return [p.pid for p in multiprocessing.active_children() if p.name.startswith("automl-worker-")]


class Records:
    """Keeps what the observer hooks receive, in the order they receive it."""

    PLUGIN_NAME = "records"

    def __init__(self):
        self.started: list[int] = []
        self.finished: list[dict] = []

    @hookimpl
    def before_trial(self, number):
        self.started.append(number)

    @hookimpl
    def after_trial(self, record):
        self.finished.append(record)


def test_two_workers_run_trials_at_once_and_leave_nothing_behind(dataset):
    frame, target, _ = dataset("titanic")
    records = Records()
    model = AutoML(time_budget=12, n_workers=2, seed=0, plugins=[records]).fit(frame, target=target)
    workers = {r["worker"] for r in records.finished}
    assert len(workers) == 2 and all(str(os.getpid()) not in w for w in workers)  # not the driver
    assert [r["elapsed"] for r in records.finished] == sorted(r["elapsed"] for r in records.finished)
    assert sorted(records.started) == sorted(r["trial"] for r in records.finished)
    assert len(model.leaderboard_) == len(records.finished) and model.validation_score_ > 0.8
    complete = [r for r in records.finished if r["state"] == "complete"]
    assert all(len(r["fold_scores"]) >= 1 for r in complete)
    assert _pools.wait_for_exit(_workers_alive(), seconds=5) == []
    assert model.fit_seconds_ <= 12 * 1.05


def test_the_set_of_configurations_tried_does_not_depend_on_the_workers(dataset):
    frame, target, _ = dataset("titanic", rows=400)
    settings = dict(time_budget=120, max_trials=6, seed=3, families=["linear", "hist_gradient_boosting", "knn"])
    tried = {}
    for n in (1, 2):
        records = Records()
        AutoML(n_workers=n, plugins=[records], **settings).fit(frame, target=target)
        tried[n] = sorted((r["trial"], r["family"], r["preprocessing"], str(r["params"])) for r in records.finished)
    assert tried[1] == tried[2] and len(tried[1]) == 6


def _build_killer(params, context):
    return Killer()


def _build_hanger(params, context):
    return Hanger()


def _no_params(trial, context):
    return {}


class Killer:
    """A model whose fit kills its own process, as the out-of-memory killer would."""

    def get_params(self, deep=True):
        return {}

    def set_params(self, **params):
        return self

    def fit(self, X, y, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)


class Hanger(Killer):
    """A model whose fit hangs where no signal reaches Python (a stuck C call)."""

    def fit(self, X, y, **kwargs):
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(600)


def _build_hoarder(params, context):
    return Hoarder()


class Hoarder(Killer):
    """A model whose fit holds more and more memory, 50 MB at a time."""

    def fit(self, X, y, **kwargs):
        held = []
        for _ in range(200):
            block = bytearray(50 * 2**20)
            block[::4096] = b"x" * len(block[::4096])  # touched: resident, not only reserved
            held.append(block)
            time.sleep(0.05)
        return self


def _build_chatterer(params, context):
    return Chatterer(strategy="prior")


class Chatterer(DummyClassifier):
    """A model that says, as scikit-learn's solvers do on small folds, that it may be off."""

    def fit(self, X, y, **kwargs):
        warnings.warn("chatter-from-a-fold: lbfgs failed to converge", UserWarning, stacklevel=1)
        return super().fit(X, y)


class Troublemakers:
    PLUGIN_NAME = "troublemakers"

    @hookimpl
    def register_model_families(self, register):
        register(
            ModelFamily(
                "hoarder", ("binary",), _build_hoarder, _no_params, defaults=({},), handles_missing=True, cost=0.01
            )
        )
        register(
            ModelFamily(
                "killer", ("binary",), _build_killer, _no_params, defaults=({},), handles_missing=True, cost=0.01
            )
        )
        register(
            ModelFamily(
                "chatterer", ("binary",), _build_chatterer, _no_params, defaults=({},), handles_missing=True, cost=0.01
            )
        )
        register(
            ModelFamily(
                "hanger", ("binary",), _build_hanger, _no_params, defaults=({},), handles_missing=True, cost=50.0
            )
        )  # after the cheap families' first trials


def test_a_worker_killed_mid_trial_fails_that_trial_only(dataset):
    frame, target, _ = dataset("titanic", rows=300)
    model = AutoML(
        time_budget=25, n_workers=2, families=["killer", "linear"], max_trials=4, plugins=[Troublemakers()]
    ).fit(frame, target=target)
    board = model.leaderboard_
    killed = board[board["family"] == "killer"]
    assert len(killed) >= 1 and (killed["state"] == "failed").all()
    assert killed["error"].str.contains("worker process died \\(killed by SIGKILL\\)").all()
    assert (board[board["family"] == "linear"]["state"] == "complete").any()
    assert _pools.wait_for_exit(_workers_alive(), seconds=5) == []


def test_the_models_chatter_in_worker_processes_does_not_reach_the_user(dataset, capfd):
    """Worker processes write to the user's stderr: the warnings a model gives on a fold (a
    solver that did not converge) are ignored there, as they are when trials run in the driver."""
    frame, target, _ = dataset("titanic", rows=300)
    AutoML(time_budget=20, n_workers=2, families=["chatterer"], max_trials=4, plugins=[Troublemakers()]).fit(
        frame, target=target
    )
    assert "chatter-from-a-fold" not in capfd.readouterr().err


@pytest.mark.parametrize("where", ["main thread", "worker thread"])
def test_a_hung_trial_is_ended_and_the_budget_holds_from_any_thread(dataset, where):
    frame, target, _ = dataset("titanic", rows=300)
    budget = 10
    n_workers = 2 if where == "main thread" else 1  # from a thread, even one worker is a process
    model = AutoML(
        time_budget=budget, n_workers=n_workers, families=["hanger", "linear"], seed=0, plugins=[Troublemakers()]
    )
    started = time.monotonic()
    if where == "main thread":
        model.fit(frame, target=target)
    else:
        errors = []
        thread = threading.Thread(target=lambda: _fit_or_keep(model, frame, target, errors))
        thread.start()
        thread.join()
        assert not errors, errors
    elapsed = time.monotonic() - started
    hung = model.leaderboard_[model.leaderboard_["family"] == "hanger"]
    assert (
        len(hung) >= 1
        and (hung["state"] == "timeout").all()
        and hung["error"].str.contains("its worker was stopped").all()
    )
    assert elapsed <= budget * 1.05 + 1
    assert _pools.wait_for_exit(_workers_alive(), seconds=5) == []


def _fit_or_keep(model, frame, target, errors):
    try:
        model.fit(frame, target=target)
    except Exception as exc:  # noqa: BLE001 - reported by the test
        errors.append(exc)


@pytest.mark.parametrize("bad", [0, -1, 2.5, "two", True])
def test_a_bad_number_of_workers_is_named(dataset, bad):
    frame, target, _ = dataset("titanic", rows=100)
    with pytest.raises(ValueError, match="n_workers"):
        AutoML(time_budget=5, n_workers=bad).fit(frame, target=target)


def test_workers_start_with_spawn_and_a_component_of_the_main_script_is_not_needed(dataset, tmp_path):
    """A script that calls fit without an ``if __name__ == "__main__"`` guard still works:
    the workers, started with spawn, are not made to run the script again."""
    import subprocess
    import sys

    frame, target, _ = dataset("titanic", rows=300)
    frame.to_csv(tmp_path / "train.csv", index=False)
    script = tmp_path / "unguarded.py"
    script.write_text(
        "from automl_core import AutoML\n"
        f"model = AutoML(time_budget=8, n_workers=2, executor_options={{'start_method': 'spawn'}})\n"
        f"model.fit({str(tmp_path / 'train.csv')!r}, target={target!r})\n"
        "print('workers', len({w for w in model.leaderboard_['worker'] if w}))\n"
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "workers 2" in done.stdout


def test_no_worker_is_left_when_the_fit_fails(dataset):
    from automl_core import FitError

    frame, target, _ = dataset("titanic", rows=200)
    with pytest.raises(FitError, match="worker process died"):
        AutoML(time_budget=30, n_workers=2, families=["killer"], max_trials=2, plugins=[Troublemakers()]).fit(
            frame, target=target
        )
    assert _pools.wait_for_exit(_workers_alive(), seconds=5) == []


def test_the_command_line_runs_trials_on_workers(dataset, tmp_path):
    from typer.testing import CliRunner

    from automl_core.cli._app import app

    frame, target, _ = dataset("titanic", rows=300)
    frame.to_csv(tmp_path / "train.csv", index=False)
    result = CliRunner().invoke(
        app,
        [
            "fit",
            str(tmp_path / "train.csv"),
            "--target",
            target,
            "--workers",
            "2",
            "--max-trials",
            "4",
            "--time-budget",
            "40",
            "--out",
            str(tmp_path / "model"),
        ],
    )
    assert result.exit_code == 0, result.output
    from automl_core import load

    assert len({w for w in load(tmp_path / "model").leaderboard_["worker"] if w}) == 2


def test_a_component_defined_in_the_users_script_reaches_the_workers(dataset, tmp_path):
    """A model family defined in the script that fits (its functions live in ``__main__``): the
    workers import the script as spawn does (it guards its fit) and read the payload."""
    import subprocess
    import sys

    frame, target, _ = dataset("titanic", rows=300)
    frame.to_csv(tmp_path / "train.csv", index=False)
    script = tmp_path / "own_family.py"
    script.write_text(
        "from automl_core import AutoML, ModelFamily, hookimpl\n"
        "def build(params, context):\n"
        "    from sklearn.dummy import DummyClassifier\n"
        "    return DummyClassifier(strategy='prior')\n"
        "def suggest(trial, context):\n"
        "    return {}\n"
        "class Mine:\n"
        "    PLUGIN_NAME = 'mine'\n"
        "    @hookimpl\n"
        "    def register_model_families(self, register):\n"
        "        register(ModelFamily('prior', ('binary',), build, suggest, defaults=({},), handles_missing=True))\n"
        "if __name__ == '__main__':\n"
        f"    model = AutoML(time_budget=30, n_workers=2, max_trials=3, families=['prior', 'linear'], plugins=[Mine()])\n"
        f"    model.fit({str(tmp_path / 'train.csv')!r}, target={target!r})\n"
        "    board = model.leaderboard_\n"
        "    print('states', sorted(set(board['state'])), 'families', sorted(set(board['family'])))\n"
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "states ['complete']" in done.stdout and "'prior'" in done.stdout


def test_a_trial_over_max_memory_is_ended_and_named(dataset):
    frame, target, _ = dataset("titanic", rows=300)
    model = AutoML(
        time_budget=40,
        n_workers=1,
        max_memory="600MB",
        families=["hoarder", "linear"],
        max_trials=3,
        plugins=[Troublemakers()],
    ).fit(frame, target=target)  # one worker: a process, for the limit
    board = model.leaderboard_
    hoarded = board[board["family"] == "hoarder"]
    assert len(hoarded) >= 1 and (hoarded["state"] == "failed").all()
    assert hoarded["error"].str.contains("over max_memory=600 MB; it was ended").all()
    assert (board[board["family"] == "linear"]["state"] == "complete").any()
    assert _pools.wait_for_exit(_workers_alive(), seconds=5) == []


@pytest.mark.parametrize("given, bytes_", [("2GB", 2 * 2**30), ("512 MB", 512 * 2**20), (10**9, 10**9), (None, None)])
def test_max_memory_is_read_in_bytes_or_with_a_unit(given, bytes_):
    from automl_core.fit._settings import memory_bytes

    assert memory_bytes(given) == bytes_


@pytest.mark.parametrize("bad", ["lots", "-2GB", 0, -5, True])
def test_a_bad_max_memory_is_named(bad):
    from automl_core.fit._settings import memory_bytes

    with pytest.raises(ValueError, match="max_memory"):
        memory_bytes(bad)


def _cores_in_subprocess(env: dict, code: str = "") -> int:
    import subprocess
    import sys

    script = f"{code}\nfrom automl_core.workers import default_workers\nprint(default_workers(1))"
    out = subprocess.run(
        [sys.executable, "-c", script], env={**os.environ, **env}, capture_output=True, text=True, check=True
    )
    return int(out.stdout.strip())


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="CPU affinity is Linux's")
def test_default_workers_follow_the_cpu_affinity_and_the_cpu_limit_of_the_environment():
    env = {"AUTOML_N_WORKERS": ""}
    assert _cores_in_subprocess(env, "import os; os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})") == 1
    # loky's cap, read where a cgroup's CPU quota is (a container's --cpus): the same path
    assert _cores_in_subprocess({**env, "LOKY_MAX_CPU_COUNT": "1"}) == 1
    assert _cores_in_subprocess(env) == len(os.sched_getaffinity(0))


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity"), reason="CPU affinity is Linux's")
def test_the_core_count_follows_a_cpu_limit_set_after_it_was_first_read(monkeypatch):
    """The count is cached per affinity set and loky's cap, not per affinity set alone."""
    monkeypatch.delenv("LOKY_MAX_CPU_COUNT", raising=False)
    cores = _pools.usable_cores()
    monkeypatch.setenv("LOKY_MAX_CPU_COUNT", "1")
    assert _pools.usable_cores() == 1
    monkeypatch.delenv("LOKY_MAX_CPU_COUNT")
    assert _pools.usable_cores() == cores


_HELD = """
from automl_core.workers._main import release_free_memory
def rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) // 1024
big = bytearray(8 << 20); del big  # glibc: later blocks of 4 MB come from the heap, not mmap
blocks, pins = [], []
for _ in range(20):  # 80 MB freed below, each block pinned in the heap by a smaller one after it
    blocks.append(bytearray(4 << 20)); pins.append(bytearray(256 << 10))
del blocks
before = rss_mb()
release_free_memory()
print(before, rss_mb())
"""


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="Linux's /proc and glibc's heap")
def test_a_worker_gives_the_heap_its_trial_freed_back_to_the_system():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", _HELD], capture_output=True, text=True, check=True).stdout.split()
    before, after = map(int, out)
    assert before - after >= 60  # of the 80 MB freed but resident
