"""kg: a knowledge graph of the actors of migration cooperation, with evidence for every fact."""

from kg.build import BuildResult, build_graph
from kg.errors import KgError

__version__ = "0.1.0"

__all__ = ["BuildResult", "KgError", "__version__", "build_graph"]
