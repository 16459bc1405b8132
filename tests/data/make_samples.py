"""Make the test datasets of ``tests/data`` from the shared datasets: samples as small as the
tests allow, their ``manifest.json`` (the shared manifest's format) and ``README.md``.

    python tests/data/make_samples.py --from PATH/TO/shared/datasets
    AUTOML_DATASETS=PATH/TO/shared/datasets python tests/data/make_samples.py
    python tests/data/make_samples.py --from ... --check     # regenerate elsewhere, compare bytes

The shared folder is the one holding the shared ``manifest.json``. Each dataset below is
either copied whole (what some test asserts about needs every row) or sampled: ``rows`` row
positions drawn without replacement by ``random.Random(seed).sample``, kept in the source
file's order. Rows are copied as the csv module reads them, so every value keeps the text it
had (blank strings, number formats); only the quoting may differ. Files are gzipped
deterministically (no name, no time stamp), so running this again gives the same bytes.
"""
from __future__ import annotations

import argparse
import csv
import filecmp
import gzip
import hashlib
import io
import json
import os
import random
import shutil
import sys
import tempfile
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
ENV = "AUTOML_DATASETS"
SEED = 0

#: name -> (rows kept, None for all; the file written; why that many rows). The reasons name the
#: tests that set the size: the largest ``dataset(name, rows=...)`` or ``sample(name, rows)``
#: asked for, or an assertion about the whole file.
DATASETS: dict[str, tuple[int | None, str, str]] = {
    "adult_income": (None, "adult_income.csv.gz",
                     "all rows: the loaders' gzipped-CSV test asserts the full shape (32561 x 15); "
                     "tests sample up to 4,000 rows"),
    "telco_churn": (None, "telco_churn.csv",
                    "all rows, plain CSV: loader tests assert 7,043 rows with the 11 blank TotalCharges, read "
                    "the first 200/600/1,000 rows (row 488 is blank) and hand a plugin a '.csv' file"),
    "titanic": (None, "titanic.csv.gz", "all 891 rows: most tests use the whole dataset"),
    "penguins": (None, "penguins.csv.gz", "all 344 rows: tests use the whole dataset"),
    "german_credit": (None, "german_credit.csv.gz", "all 1,000 rows: tests use the whole dataset"),
    "insurance_charges": (None, "insurance_charges.csv.gz", "all 1,338 rows: a test fits on the whole dataset"),
    "auto_mpg": (None, "auto_mpg.csv.gz", "all 398 rows: a test fits on the whole file"),
    "wine_quality_white": (1500, "wine_quality_white.csv.gz", "1,500 rows: the XGBoost test samples 1,500"),
    "lending_club": (4000, "lending_club.csv.gz", "4,000 rows: the imbalance tests sample 4,000"),
    "bike_sharing_hourly": (5000, "bike_sharing_hourly.csv.gz", "5,000 rows: the datetime builder tests sample 5,000"),
    "diamonds": (3000, "diamonds.csv.gz", "3,000 rows: the monitoring tests sample 3,000"),
    "california_housing": (3000, "california_housing.csv.gz", "3,000 rows: the target-encoder test samples 3,000"),
    "marketing_income": (500, "marketing_income.csv.gz", "500 rows: the text builder test samples 500"),
}


def shared_folder(given: Path | None) -> Path:
    """``--from``, else ``$AUTOML_DATASETS``; the folder must hold the shared manifest."""
    folder = given or (Path(os.environ[ENV]) if os.environ.get(ENV) else None)
    if folder is None:
        raise SystemExit(f"where are the shared datasets? pass --from DIR or set {ENV}=DIR (the folder of manifest.json)")
    if not (folder / "manifest.json").is_file():
        raise SystemExit(f"no manifest.json in {folder} (from {'--from' if given else ENV})")
    return folder


def read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    """The header and the data rows of a CSV file (gzipped or not), each value as its text."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", newline="", encoding="utf-8") as fh:
        header, *rows = list(csv.reader(fh))
    return header, rows


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def gzip_bytes(data: bytes) -> bytes:
    """Deterministic gzip: no file name, no time stamp."""
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, compresslevel=9, mtime=0) as fh:
        fh.write(data)
    return out.getvalue()


def make_one(entry: dict, source: Path, rows: int | None, file: str, out: Path, seed: int) -> dict:
    """Write one dataset's file into ``out`` and return its manifest entry."""
    target = out / file
    if rows is None:  # whole: the source's bytes, gzipped if asked and not already
        raw = source.read_bytes()
        plain = gzip.decompress(raw) if source.suffix == ".gz" else raw
        if file.endswith(".gz") and source.suffix == ".gz":
            shutil.copyfile(source, target)
        else:
            target.write_bytes(gzip_bytes(plain) if file.endswith(".gz") else plain)
        positions = None
    else:
        header, all_rows = read_rows(source)
        if len(all_rows) != entry["rows"]:
            raise SystemExit(f"{source}: {len(all_rows)} rows read, the manifest says {entry['rows']}")
        positions = sorted(random.Random(seed).sample(range(len(all_rows)), rows))
        plain = csv_bytes(header, [all_rows[i] for i in positions])
        target.write_bytes(gzip_bytes(plain) if file.endswith(".gz") else plain)

    frame = pd.read_csv(target)
    full = pd.read_csv(source)
    expected = full if positions is None else full.iloc[positions].reset_index(drop=True)
    pd.testing.assert_frame_equal(frame, expected, check_dtype=False)  # the same values as pandas reads them
    y = frame[entry["target"]]
    written = dict(entry)
    written.update(
        file=file,
        rows=len(frame),
        cols=frame.shape[1],
        missing_cells=int(frame.isna().sum().sum()),
        categorical_cols=[c for c in frame.columns if frame[c].dtype == object and c != entry["target"]],
        csv_bytes=len(plain),
        file_bytes=target.stat().st_size,
        sha256=hashlib.sha256(target.read_bytes()).hexdigest(),
        sample={
            "from_file": entry["file"],
            "from_rows": entry["rows"],
            "from_sha256": entry["sha256"],
            "method": "whole file" if positions is None
            else f"random.Random({seed}).sample(range({entry['rows']}), {rows}), kept in file order",
            "seed": None if positions is None else seed,
            "why": DATASETS[entry["name"]][2],
        },
    )
    if entry["task"] != "regression":
        written["class_counts"] = {str(k): int(v) for k, v in y.value_counts().items()}
    else:
        written.pop("class_counts", None)
    return written


def readme(entries: list[dict]) -> str:
    lines = [
        "# Test data",
        "",
        "Samples of the project's shared benchmark datasets, as small as the tests allow, so that the",
        "tests run from a clone with nothing beside it. The root `conftest.py` (fixtures `datasets_dir`",
        "and `dataset(name, rows=None, seed=0)`) and the plugins' test fixtures read only this folder;",
        "`dataset(name, rows)` draws its `rows` from the file shipped here. The full datasets are for",
        "the benchmarks only (`benchmarks/README.md`).",
        "",
        "`manifest.json` has the shared manifest's format (name, file, target, task, rows, cols,",
        "missing_cells, categorical_cols, source, license_or_origin, notes, sizes, sha256,",
        "class_counts), counted on the files here, plus `sample`: what each file was cut from, how and",
        "why that many rows. `source` and `license_or_origin` are the shared manifest's, unchanged;",
        "`notes` describe the full dataset.",
        "",
        "Made by `make_samples.py` in this folder (this README and `manifest.json` too: edit the",
        "script, not them), which reads the shared datasets from `--from DIR` or `$AUTOML_DATASETS`",
        "(the folder of their `manifest.json`):",
        "",
        "```sh",
        "python tests/data/make_samples.py --from ../shared/datasets          # rewrite the files here",
        "python tests/data/make_samples.py --from ../shared/datasets --check  # or only compare",
        "```",
        "",
        "A sample is `rows` row positions drawn by `random.Random(0).sample(range(N), rows)` without",
        "replacement, written in the source file's order with every value's text unchanged; a whole",
        "file is the source's bytes (gzipped when the source was not). Gzip output is deterministic, so",
        "the command gives these bytes again (`--check`).",
        "",
        "| file | rows kept (of) | sampling | why that many | source | licence / origin |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for e in entries:
        s = e["sample"]
        kept = f"{e['rows']:,} (all)" if s["seed"] is None else f"{e['rows']:,} (of {s['from_rows']:,})"
        how = "whole file" if s["seed"] is None else f"random, seed {s['seed']}"
        lines.append(f"| `{e['file']}` | {kept} | {how} | {s['why']} | `{e['source']}` | {e['license_or_origin']} |")
    lines += [
        "",
        "`telco_churn.csv` stays a plain CSV: tests read it as the plain-CSV case beside",
        "`adult_income.csv.gz`, and one hands it to a plugin that takes files ending in `.csv`.",
        "",
        "`packages/` is another fixture (a model package written by an older layout), not made by",
        "this script.",
        "",
    ]
    return "\n".join(lines)


def make(shared: Path, out: Path, seed: int) -> list[dict]:
    manifest = {e["name"]: e for e in json.loads((shared / "manifest.json").read_text())}
    entries = []
    for name, (rows, file, _) in DATASETS.items():
        entries.append(make_one(manifest[name], shared / manifest[name]["file"], rows, file, out, seed))
        print(f"{file}: {entries[-1]['rows']} rows, {entries[-1]['file_bytes']:,} bytes", file=sys.stderr)
    (out / "manifest.json").write_text(json.dumps(entries, indent=1) + "\n")
    (out / "README.md").write_text(readme(entries))
    return entries


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--from", dest="shared", type=Path, help=f"the shared datasets' folder (default: ${ENV})")
    p.add_argument("--out", type=Path, default=HERE, help="where to write (default: this script's folder)")
    p.add_argument("--seed", type=int, default=SEED, help=f"the sampling seed (default {SEED})")
    p.add_argument("--check", action="store_true", help="write to a temporary folder and compare with --out")
    args = p.parse_args(argv)
    shared = shared_folder(args.shared)
    if not args.check:
        make(shared, args.out, args.seed)
        return
    with tempfile.TemporaryDirectory() as tmp:
        entries = make(shared, Path(tmp), args.seed)
        names = [e["file"] for e in entries] + ["manifest.json", "README.md"]
        _, differ, missing = filecmp.cmpfiles(tmp, args.out, names, shallow=False)
        if differ or missing:
            raise SystemExit(f"not as {args.out} has them: {', '.join(differ + missing)}")
    print(f"{args.out}: the same bytes as made again", file=sys.stderr)


if __name__ == "__main__":
    main()
