"""The file loaders on real datasets: CSV (plain, compressed, sniffed), Parquet, JSON lines, globs."""

from __future__ import annotations

import logging

import pandas as pd
import pytest

from automl_core import DataError


def test_telco_total_charges_becomes_numeric_with_blanks_missing(read, datasets, caplog):
    caplog.set_level(logging.INFO, logger="automl.loaders")
    frame, report = read(datasets / "telco_churn.csv")
    assert frame.shape == (7043, 20)
    assert frame["TotalCharges"].dtype == "float64"
    assert frame["TotalCharges"].isna().sum() == 11
    assert report["loader"] == "csv" and report["rows"] == 7043
    assert report["conversions"] == [
        {"column": "TotalCharges", "from": "object", "to": "float64", "blanks_as_missing": 11}
    ]
    assert report["dtypes"]["TotalCharges"] == "float64" and report["dtypes"]["gender"] == "object"
    assert "TotalCharges" in caplog.text and "11 blank" in caplog.text


def test_gzipped_csv(read, datasets, adult_sample):
    frame, report = read(datasets / "adult_income.csv.gz")
    assert frame.shape == (32561, 15)
    assert report["conversions"] == []
    pd.testing.assert_frame_equal(frame.head(300), adult_sample)


@pytest.mark.parametrize("compression", ["bz2", "zip", "xz"])
def test_other_compressions(load, tmp_path, adult_sample, compression):
    path = tmp_path / f"adult.csv.{compression}"
    adult_sample.to_csv(path, index=False, compression=compression)
    pd.testing.assert_frame_equal(load(str(path)), adult_sample)


@pytest.mark.parametrize(("name", "sep"), [("adult.tsv", "\t"), ("adult.txt", ";"), ("adult.tsv.gz", "\t")])
def test_separator_is_sniffed_and_reported(read, tmp_path, adult_sample, name, sep):
    path = tmp_path / name
    adult_sample.to_csv(path, index=False, sep=sep)
    frame, report = read(path)
    pd.testing.assert_frame_equal(frame, adult_sample)
    assert report["sep"] == sep


def test_options_reach_pandas(load, datasets):
    frame = load(datasets / "telco_churn.csv", usecols=["tenure", "Churn"], nrows=50)
    assert list(frame.columns) == ["tenure", "Churn"] and len(frame) == 50


def test_one_garbage_value_keeps_the_column_as_text(read, tmp_path, datasets):
    raw = pd.read_csv(datasets / "telco_churn.csv", nrows=200, dtype={"TotalCharges": str})
    raw.loc[5, "TotalCharges"] = "n/a?"
    path = tmp_path / "telco.csv"
    raw.to_csv(path, index=False)
    frame, report = read(path)
    assert frame["TotalCharges"].dtype == object
    assert frame.loc[5, "TotalCharges"] == "n/a?"
    assert report["conversions"] == []


def test_a_dtype_the_user_fixed_is_not_converted(read, datasets):
    frame, report = read(datasets / "telco_churn.csv", dtype={"TotalCharges": str}, nrows=100)
    assert frame["TotalCharges"].dtype == object
    assert report["conversions"] == []


def test_parquet_round_trip(read, tmp_path, adult_sample, assert_same_frame):
    path = tmp_path / "adult.parquet"
    adult_sample.to_parquet(path, index=False)
    frame, report = read(path)
    assert_same_frame(adult_sample, frame)
    assert report["loader"] == "parquet"


def test_jsonl_round_trip(read, tmp_path, adult_sample, assert_same_frame):
    path = tmp_path / "adult.ndjson"
    adult_sample.to_json(path, orient="records", lines=True)
    frame, report = read(path)
    assert_same_frame(adult_sample, frame)
    assert report["loader"] == "jsonl"


def test_jsonl_numbers_written_as_text_are_converted(load, tmp_path, datasets):
    raw = pd.read_csv(datasets / "telco_churn.csv", nrows=1000)
    path = tmp_path / "telco.jsonl.gz"
    raw.to_json(path, orient="records", lines=True, compression="gzip")
    frame = load(path)
    assert frame["TotalCharges"].dtype == "float64"
    blanks = int(raw["TotalCharges"].str.strip().eq("").sum())
    assert frame["TotalCharges"].isna().sum() == blanks
    assert blanks > 0


def _split_sample(tmp_path, sample, kinds=("csv", "parquet", "csv")):
    folder = tmp_path / "parts"
    folder.mkdir()
    for i, (kind, part) in enumerate(zip(kinds, (sample.iloc[:100], sample.iloc[100:200], sample.iloc[200:]))):
        path = folder / f"part{i}.{kind}"
        part.to_csv(path, index=False) if kind == "csv" else part.to_parquet(path, index=False)
    return folder


def test_glob_of_a_directory_concatenates_its_files(read, tmp_path, adult_sample, assert_same_frame):
    folder = _split_sample(tmp_path, adult_sample)
    (folder / "README.md").write_text("notes, not data")
    frame, report = read(folder)
    assert_same_frame(adult_sample, frame)
    assert [p.rsplit("/", 1)[1] for p in report["files"]] == ["part0.csv", "part1.parquet", "part2.csv"]


def test_glob_pattern(read, tmp_path, adult_sample):
    folder = _split_sample(tmp_path, adult_sample, kinds=("csv", "csv", "parquet"))
    frame, report = read(str(folder / "*.csv"))
    pd.testing.assert_frame_equal(frame, adult_sample.iloc[:200])
    assert report["loader"] == "glob"


def test_glob_converts_numeric_text_across_files(read, tmp_path, datasets):
    raw = pd.read_csv(datasets / "telco_churn.csv", nrows=600)
    raw.iloc[:400].to_csv(tmp_path / "a.csv", index=False)  # no blank TotalCharges: read as numbers
    raw.iloc[400:].to_csv(tmp_path / "b.csv", index=False)  # row 488 is blank: read as text
    frame, report = read(str(tmp_path / "*.csv"))
    assert frame["TotalCharges"].dtype == "float64"
    assert frame["TotalCharges"].isna().sum() == 1 and pd.isna(frame.loc[488, "TotalCharges"])
    assert report["conversions"][0]["blanks_as_missing"] == 1


def test_glob_with_mismatched_columns_names_the_file(load, tmp_path, adult_sample):
    folder = _split_sample(tmp_path, adult_sample, kinds=("csv", "csv", "csv"))
    adult_sample.drop(columns=["fnlwgt"]).rename(columns={"age": "years"}).to_csv(folder / "part3.csv", index=False)
    with pytest.raises(
        DataError,
        match=r"part3\.csv does not have the columns of .*part0\.csv.*"
        r"missing \['age', 'fnlwgt'\], unexpected \['years'\]",
    ):
        load(str(folder / "part*.csv"))


def test_glob_matching_a_file_of_another_kind_names_it(load, tmp_path, adult_sample):
    folder = _split_sample(tmp_path, adult_sample)
    (folder / "part9.json").write_text("{}")
    with pytest.raises(DataError, match=r"part9\.json matches .* but is neither a CSV nor a Parquet file"):
        load(str(folder / "part*"))


def test_glob_matching_nothing_is_file_not_found(load, tmp_path):
    with pytest.raises(DataError, match=r"file not found: .*nothing-\*\.csv"):
        load(str(tmp_path / "nothing-*.csv"))


def test_missing_file_says_file_not_found(load, tmp_path):
    missing = tmp_path / "absent.csv"
    with pytest.raises(DataError, match=rf"file not found: {missing}"):
        load(missing)


def test_unknown_suffix_lists_the_loaders_tried(load, datasets):
    with pytest.raises(DataError) as info:
        load(datasets / "manifest.json")
    message = str(info.value)
    assert "no loader can read" in message and "manifest.json" in message
    assert "loaders tried: dataframe, csv, jsonl, parquet, glob, sql" in message


def test_dataframe_is_returned_as_is(load, adult_sample):
    assert load(adult_sample) is adult_sample


def test_dataframe_with_options_is_an_error(load, adult_sample):
    with pytest.raises(DataError, match="loader 'dataframe'.*takes no loader options; got table"):
        load(adult_sample, table="x")
