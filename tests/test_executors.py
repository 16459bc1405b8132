"""Executors are plugins: a third party's executor takes the trials when named; a bad one is named."""

from __future__ import annotations

import pytest

from automl_core import AutoML, Executor, PluginError, UnknownComponentError, hookimpl
from automl_core.search import can_interrupt


class Here:
    """A toy trial pool: each trial runs in the driver when the engine waits for it."""

    def __init__(self, context):
        self.capacity, self.context, self.queued, self.ran = 1, context, [], []

    def ready(self):
        return 0 if self.queued else 1

    def submit(self, spec):
        self.queued.append(spec)

    def wait(self, timeout):
        done = [self.context.run(self.context.payload, spec) for spec in self.queued]
        self.ran += [spec.number for spec in self.queued]
        self.queued = []
        return done

    def cancel(self, number):
        self.queued = [s for s in self.queued if s.number != number]

    def close(self):
        self.queued = []


class ToyExecutors:
    PLUGIN_NAME = "toy-executors"

    def __init__(self):
        self.pools = []

    def _start(self, context):
        self.pools.append(Here(context))
        return self.pools[-1]

    @hookimpl
    def register_executors(self, register):
        register(Executor("here", self._start, description="trials in the driver, one at a time"))
        register(Executor("broken", _refuse, description="an executor that cannot start"))


def _refuse(context):
    raise OSError("no cluster here")


@pytest.mark.slow
def test_a_third_party_executor_runs_the_trials_when_named(dataset):
    frame, target, _ = dataset("titanic", rows=300)
    toys = ToyExecutors()
    model = AutoML(time_budget=30, max_trials=3, executor="here", n_workers=1, plugins=[toys]).fit(frame, target=target)
    assert len(toys.pools) == 1 and sorted(toys.pools[0].ran) == sorted(model.leaderboard_["trial"])
    assert toys.pools[0].context.n_workers == 1 and toys.pools[0].context.threads == 1


def test_an_unknown_executor_lists_the_installed_ones(dataset):
    frame, target, _ = dataset("titanic", rows=100)
    with pytest.raises(UnknownComponentError, match=r"unknown executor 'nowhere'; installed: .*local"):
        AutoML(time_budget=5, executor="nowhere", plugins=[ToyExecutors()]).fit(frame, target=target)


@pytest.mark.slow
def test_an_executor_that_cannot_start_is_named_with_its_plugin(dataset):
    frame, target, _ = dataset("titanic", rows=100)
    with pytest.raises(
        PluginError,
        match=r"executor 'broken' \(plugin 'toy-executors'\) could not start: "
        r"OSError: no cluster here",
    ):
        AutoML(time_budget=10, executor="broken", plugins=[ToyExecutors()]).fit(frame, target=target)


def test_the_local_executor_is_the_cores_own_plugin():
    from automl_core.plugin import Registry, build_plugin_manager

    registry = Registry.from_manager(build_plugin_manager(autoload=False), kinds=["executor"])
    assert [e.name for e in registry.all("executor")] == ["local"] and registry.owner(
        "executor", "local"
    ) == "automl-core"
    assert can_interrupt()
