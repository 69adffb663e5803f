"""bilan: the Drôme public-engineering platform's exports → DuckDB → the annual activity report."""

__version__ = "0.1.0"
