"""The main job: build, validate, and write the dataset and its views to an output folder."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kg.build import BuildResult, build_graph
from kg.export import serialize_dataset
from kg.namespaces import BASE
from kg.output import prepare_dir, write_all_atomic
from kg.validate import validate_dataset
from kg.view import render_view, whole_view

OUTPUTS = {"kg.trig": "trig", "kg.ttl": "turtle"}
HTML_FILE = "kg.html"


@dataclass
class BuildReport:
    """What ``run_build`` produced."""

    result: BuildResult
    files: dict[str, int] = field(default_factory=dict)  # path -> bytes written
    graph_sizes: dict[str, int] = field(default_factory=dict)

    def summary(self) -> list[str]:
        """Human-readable lines describing the build."""
        lines = [f"built {len(self.result.annotations)} article(s): {', '.join(self.result.article_ids())}"]
        lines += [f"  {name[len(BASE) :]}: {size} triples" for name, size in sorted(self.graph_sizes.items())]
        lines += [f"wrote {path} ({size} bytes)" for path, size in self.files.items()]
        return lines


def run_build(
    data_dir: Path | str = "data",
    out_dir: Path | str = "out",
    validate: bool = True,
    ontology_dir: Path | None = None,
) -> BuildReport:
    """Build the dataset from ``data_dir``, validate it, and write kg.trig, kg.ttl and kg.html.

    Everything is computed before anything is written, so a bad input or a SHACL violation leaves
    earlier outputs untouched; each file is then replaced atomically.

    Raises:
        InputError subclasses, ValidationFailed, OutputError.
    """
    result = build_graph(Path(data_dir), ontology_dir)
    if validate:
        validate_dataset(result.dataset, result.ontology)
    contents: dict[str, bytes] = {name: serialize_dataset(result.dataset, fmt) for name, fmt in OUTPUTS.items()}
    contents[HTML_FILE] = render_view(whole_view(result.dataset), "html")
    out = Path(out_dir)
    prepare_dir(out)
    report = BuildReport(result)
    write_all_atomic({out / name: data for name, data in contents.items()})
    for name, data in contents.items():
        report.files[str(out / name)] = len(data)
    for graph in result.dataset.graphs():
        if len(graph):
            report.graph_sizes[str(graph.identifier)] = len(graph)
    return report
