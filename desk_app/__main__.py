"""``python -m desk_app`` runs the same command line as ``desk-app``."""

from desk_app.cli import main

main(prog_name="desk-app")
