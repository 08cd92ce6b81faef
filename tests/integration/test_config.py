from __future__ import annotations

from pathlib import Path

import pytest

from desk_app.config import Settings, load_settings
from desk_app.domain.errors import ConfigError


def test_defaults_without_a_file(tmp_path: Path) -> None:
    settings = load_settings(environ={"XDG_CONFIG_HOME": str(tmp_path)})
    assert settings.database_url.startswith("sqlite:///")
    assert settings.tickets.layout().length == 12
    assert settings.source is None


def test_file_then_environment(tmp_path: Path) -> None:
    config = tmp_path / "desk.toml"
    config.write_text(
        """
[database]
url = "postgresql+psycopg://central/desk"
[counter]
site_id = "NJ-01"
counter_id = "W3"
exam_areas = ["0101", "0102"]
[tickets]
city = "32"
county = "01"
period = "271"
block_size = 500
[thresholds_dlib]
live_card_pass = 0.38
""",
        encoding="utf-8",
    )
    settings = load_settings(
        config,
        environ={
            "DESK_APP_COUNTER_COUNTER_ID": "W4",
            "DESK_APP_COUNTER_EXAM_AREAS": "0201, 0202",
            "DESK_APP_DB": str(tmp_path / "local.db"),
        },
    )
    assert settings.source == config
    assert settings.counter.site_id == "NJ-01"
    assert settings.counter.counter_id == "W4"
    assert settings.counter.exam_areas == ("0201", "0202")
    assert settings.tickets.block_size == 500
    assert settings.tickets.layout().format(7) == "320127100007"
    assert settings.thresholds_for("dlib").live_card.passing == 0.38
    assert settings.thresholds_for("sface").live_card == Settings().thresholds_sface.live_card
    assert settings.database_url == f"sqlite:///{tmp_path / 'local.db'}"


def test_config_path_from_the_environment(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[counter]\nsite_id = "X"\n', encoding="utf-8")
    assert load_settings(environ={"DESK_APP_CONFIG": str(config)}).counter.site_id == "X"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("[counter\nsite_id = 1", "config.syntax"),
        ("[nonsense]\na = 1\n", "config.unknown_section"),
        ("[counter]\nsite = 'x'\n", "config.unknown_key"),
        ("[tickets]\nblock_size = 'many'\n", "config.bad_value"),
        ("[tickets]\ncity = '3'\n", "config.ticket_layout"),
        ("[counter]\nmethod = 'kiosk'\n", "config.bad_value"),
        ("[counter]\nmethod = 'tutoring_unit'\n", "config.bad_value"),
    ],
)
def test_bad_files_name_the_problem(tmp_path: Path, text: str, code: str) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_settings(config, environ={})
    assert raised.value.code == code


def test_an_explicit_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(tmp_path / "absent.toml", environ={})
    assert raised.value.code == "config.missing"


def test_db_option_accepts_a_path_or_a_url(tmp_path: Path) -> None:
    settings = load_settings(environ={"XDG_CONFIG_HOME": str(tmp_path)})
    assert settings.with_database("postgresql://h/d").database_url == "postgresql://h/d"
    assert settings.with_database("c.db").database_url == f"sqlite:///{Path('c.db').resolve()}"
