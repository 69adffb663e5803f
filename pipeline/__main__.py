"""`python -m pipeline` = the `bilan` command."""

from pipeline.cli import main

main()
