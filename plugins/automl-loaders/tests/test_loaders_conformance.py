"""The engine's conformance checks for plugin authors, run on this plugin."""

from __future__ import annotations

import automl_loaders.plugin
import sqlalchemy as sa

from automl_core.testing import check_loader, check_plugin


def test_plugin_conformance(tmp_path, datasets, adult_sample):
    adult_sample.to_parquet(tmp_path / "adult.parquet", index=False)
    adult_sample.to_json(tmp_path / "adult.jsonl", orient="records", lines=True)
    parts = tmp_path / "parts"
    parts.mkdir()
    adult_sample.iloc[:150].to_csv(parts / "a.csv", index=False)
    adult_sample.iloc[150:].to_csv(parts / "b.csv", index=False)
    checked = check_plugin(
        automl_loaders.plugin,
        loader_sources={
            "dataframe": adult_sample,
            "csv": datasets / "telco_churn.csv",
            "parquet": tmp_path / "adult.parquet",
            "jsonl": str(tmp_path / "adult.jsonl"),
            "glob": str(parts / "*.csv"),
        },
    )
    assert checked == {"loader": ["csv", "dataframe", "glob", "jsonl", "parquet"]}


def test_sql_loader_conformance(tmp_path, adult_sample):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'shop.db'}")
    adult_sample.to_sql("adult", engine, index=False)
    engine.dispose()
    sql = next(loader for loader in automl_loaders.plugin.LOADERS if loader.name == "sql")
    check_loader(sql, f"sqlite:///{tmp_path / 'shop.db'}", {"table": "adult"})
