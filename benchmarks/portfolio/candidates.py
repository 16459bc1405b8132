"""Step 2: the candidate configurations, from the collected searches (``results/collect.jsonl``).

Two kinds, written to ``candidates.json`` (committed: the cross-evaluation's rows refer to its ids):

* ``default:<family>:<i>``: each family's built-in default ``i`` (``ModelFamily.defaults``) with
  the family's preferred preprocessing, as the engine's own portfolio runs it; plus
  ``default:<cheapest>:0+feature_selection``, the optional-builder variant the engine adds after
  the first round. The engine samples the preprocessors' own parameters (one-hot's
  ``max_categories``, the imputers' strategy) even for its defaults; here they are fixed to what
  the first default trial drew on the reference table (the first table with numeric and
  categorical columns), so every candidate is one fixed pipeline.
* ``search:<table>:<n>``: the best configurations the per-family searches found on each table
  that are not defaults: per table, the ``--per-table`` best completed trials of distinct
  families. Stages the source table did not have (no categorical columns, say) are filled with
  the family's preferred preprocessing, so the configuration is complete on any table.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from common import HERE, RESULTS, config_key, installed_families, plain, read_jsonl
from tables import TABLES

OUT = HERE / "candidates.json"
ALL_STAGES = ("numeric_impute", "numeric_outliers", "numeric_scale", "categorical_impute", "categorical_encode")


def default_index(config: dict, defaults) -> int | None:
    """Which built-in default ``config``'s family parameters are (None: not a default)."""
    params = config.get("params", {}).get(config["family"], {})
    for i, default in enumerate(defaults):
        if all(_same(params.get(k), v) for k, v in default.items()):
            return i
    return None


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        try:
            return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(b)))
        except (TypeError, ValueError):
            return False
    return a == b


def templates(runs: list[dict]) -> dict[str, dict]:
    """Per family, the first default trial on a table that has every preprocessing stage: the
    preferred preprocessor per stage and the parameters it drew."""
    order = {t.name: i for i, t in enumerate(TABLES)}
    out = {}
    for run in sorted(runs, key=lambda r: order.get(r["table"], 1e9)):
        for trial in run["trials"][:1]:
            config = trial["config"]
            if config and run["family"] not in out and set(config["preprocessing"]) >= set(ALL_STAGES):
                out[run["family"]] = config
    return out


def complete(config: dict, template: dict) -> dict:
    """``config`` with the stages it lacks taken from ``template`` (same family), with their parameters."""
    config = plain(config)
    for stage, choice in template["preprocessing"].items():
        if stage not in config["preprocessing"]:
            config["preprocessing"][stage] = choice
            if choice in template["params"] and choice not in config["params"]:
                config["params"][choice] = template["params"][choice]
    config["preprocessing"] = {s: config["preprocessing"][s] for s in sorted(config["preprocessing"])}
    return config


def build(runs: list[dict], per_table: int = 1) -> list[dict]:
    families = installed_families()
    shapes = templates(runs)
    candidates, seen = [], set()

    def add(entry):
        key = config_key(entry["config"])
        if key not in seen:
            seen.add(key)
            candidates.append(entry)

    ranked = sorted((f for f in families.values() if f.name in shapes), key=lambda f: (f.cost, f.name))
    for family in ranked:
        template = shapes[family.name]
        for i, default in enumerate(family.defaults):
            config = plain(
                {
                    "family": family.name,
                    "preprocessing": template["preprocessing"],
                    "builders": [],
                    "params": {
                        **{k: v for k, v in template["params"].items() if k in template["preprocessing"].values()},
                        family.name: dict(default),
                    },
                    "class_weight": "none",
                }
            )
            add(
                {
                    "id": f"default:{family.name}:{i}",
                    "kind": "default",
                    "family": family.name,
                    "default": i,
                    "config": config,
                }
            )
    # the engine's optional-builder variant of the cheapest family's first default
    cheapest = ranked[0].name
    for run in runs:
        if run["family"] != cheapest:
            continue
        for trial in run["trials"][:3]:
            config = trial["config"]
            if config and config["builders"] and default_index(config, families[cheapest].defaults) == 0:
                base = next(c for c in candidates if c["id"] == f"default:{cheapest}:0")["config"]
                variant = plain(base)
                variant["builders"] = list(config["builders"])
                for b in config["builders"]:
                    variant["params"][b] = config["params"][b]
                add(
                    {
                        "id": f"default:{cheapest}:0+{'+'.join(config['builders'])}",
                        "kind": "default",
                        "family": cheapest,
                        "default": 0,
                        "config": variant,
                    }
                )
                break
        else:
            continue
        break

    by_table: dict[str, list] = {}
    for run in runs:
        family = families.get(run["family"])
        if family is None or run["family"] not in shapes:
            continue
        for trial in run["trials"]:
            config = trial["config"]
            if trial["state"] != "complete" or trial["score"] is None or config is None:
                continue
            if not config["builders"] and default_index(config, family.defaults) is not None:
                continue  # a built-in default (its preprocessing parameters drawn): already a candidate
            if config["builders"] and trial["trial"] <= 1 and default_index(config, family.defaults) == 0:
                continue  # the engine's builder variant of the first default
            by_table.setdefault(run["table"], []).append((trial["score"], run["family"], trial["trial"], config))
    for table in [t.name for t in TABLES]:
        picked = []
        for score, family, number, config in sorted(by_table.get(table, []), key=lambda r: (-r[0], r[1], r[2])):
            if len(picked) >= per_table:
                break
            if family in {p[1] for p in picked}:
                continue
            picked.append((score, family, number, config))
        for n, (score, family, number, config) in enumerate(picked):
            add(
                {
                    "id": f"search:{table}:{n}",
                    "kind": "search",
                    "family": family,
                    "table": table,
                    "trial": number,
                    "origin_score": score,
                    "config": complete(config, shapes[family]),
                }
            )
    return candidates


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--collect", default=str(RESULTS / "collect.jsonl"))
    p.add_argument("--per-table", type=int, default=1)
    p.add_argument("--out", default=str(OUT))
    p.add_argument("--force", action="store_true", help="overwrite an existing candidates file")
    args = p.parse_args(argv)
    out = Path(args.out)
    if out.exists() and not args.force:
        raise SystemExit(f"{out} exists (its ids are referred to by the cross-evaluation); --force to rebuild")
    candidates = build(read_jsonl(args.collect), args.per_table)
    out.write_text(json.dumps(candidates, indent=1, sort_keys=True) + "\n")
    kinds = {}
    for c in candidates:
        kinds[c["kind"]] = kinds.get(c["kind"], 0) + 1
    print(f"{len(candidates)} candidates {kinds} -> {out}")


if __name__ == "__main__":
    main()
