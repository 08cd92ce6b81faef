"""Rows per second importing a 100,000-row roster CSV into a fresh SQLite file.

Baseline, in the same process: the same file read with csv.DictReader and inserted with one
sqlite3 executemany into a table of the same columns, with no validation at all: the floor any
importer pays. Target: the whole import (validation, upsert, audit) under 20 s on 2 cores.
The import runs twice, into a plain file and into a SQLCipher file (the default), to show what
encryption at rest costs.

    .venv/bin/python bench/import_roster.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import csv
import secrets
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desk_app.config import TicketSettings
from desk_app.domain.tickets import TicketLayout
from desk_app.persistence.database import Database
from desk_app.roster.columns import COLUMN_NAMES
from desk_app.services.demo import generate_roster_rows, write_roster_csv
from desk_app.services.roster_import import import_roster


def baseline(roster: Path, database: Path) -> float:
    start = time.perf_counter()
    connection = sqlite3.connect(database)
    connection.execute(f"CREATE TABLE roster ({', '.join(COLUMN_NAMES)})")
    with roster.open(encoding="utf-8", newline="") as stream:
        rows = [tuple(row[column] for column in COLUMN_NAMES) for row in csv.DictReader(stream)]
    placeholders = ", ".join("?" for _ in COLUMN_NAMES)
    connection.executemany(f"INSERT INTO roster VALUES ({placeholders})", rows)
    connection.commit()
    connection.close()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    arguments = parser.parse_args()
    layout = TicketSettings(period="271").layout()
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        roster = folder / "roster.csv"
        write_roster_csv(roster, generate_roster_rows(arguments.rows, ticket_length=layout.length))
        size = roster.stat().st_size
        floor = baseline(roster, folder / "baseline.db")
        plain, _ = timed_import(roster, folder / "plain.db", None, layout, arguments.rows)
        elapsed, opened = timed_import(
            roster, folder / "counter.db", secrets.token_bytes(32), layout, arguments.rows
        )
    print(f"roster: {arguments.rows} rows, {size / 1e6:.1f} MB CSV")
    rate = arguments.rows / floor
    print(f"baseline (csv + executemany, no checks):   {floor:6.2f} s  {rate:9.0f} rows/s")
    print(
        f"desk-app import, plain file:               {plain:6.2f} s  "
        f"{arguments.rows / plain:9.0f} rows/s"
    )
    print(
        f"desk-app import, SQLCipher (schema {opened:.2f} s): {elapsed:6.2f} s  "
        f"{arguments.rows / elapsed:9.0f} rows/s  (target < 20 s)"
    )
    print(f"ratio import time / baseline time:          {elapsed / floor:6.2f}")
    print(f"ratio SQLCipher / plain import time:        {elapsed / plain:6.2f}")


def timed_import(
    roster: Path, path: Path, key: bytes | None, layout: TicketLayout, rows: int
) -> tuple[float, float]:
    """(seconds for the whole import including the schema, seconds for the schema)."""
    start = time.perf_counter()
    database = Database.open(f"sqlite:///{path}", key=key)
    opened = time.perf_counter()
    report = import_roster(database, roster, ticket_layout=layout)
    elapsed = time.perf_counter() - start
    database.close()
    assert report.imported and report.inserted == rows, report.problems[:5]
    return elapsed, opened - start


if __name__ == "__main__":
    main()
