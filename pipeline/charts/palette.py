"""Moved to pipeline.pages.palette (colours belong to the page models, read by every output)."""

from pipeline.pages.palette import (
                                    BORDER,
                                    CLASSE_RAMP,
                                    COUNT_SCALE,
                                    DOMAINE_HUES,
                                    FALLBACK,
                                    NOT_REQUESTED,
                                    PARTENAIRE_TYPE,
                                    PARTENAIRE_TYPE_LABEL,
                                    PRESTATION_RAMP,
                                    Palette,
                                    shades,
)

__all__ = ["BORDER", "CLASSE_RAMP", "COUNT_SCALE", "DOMAINE_HUES", "FALLBACK", "NOT_REQUESTED", "PARTENAIRE_TYPE",
           "PARTENAIRE_TYPE_LABEL", "PRESTATION_RAMP", "Palette", "shades"]
