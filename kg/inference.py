"""OWL-RL closure of a dataset, so that standard-vocabulary triples (schema.org, ORG, PROV) appear."""

from __future__ import annotations

from rdflib import Dataset, Graph, Literal
from rdflib.namespace import OWL

from kg.namespaces import GRAPH

INFERRED_GRAPH = GRAPH["inferred"]


def infer_closure(dataset: Dataset) -> Graph:
    """The triples an OWL-RL reasoner adds to the union of ``dataset``'s graphs.

    Returned as a separate graph (kg puts it in ``graph/inferred``), without the reasoner's
    generalised triples (literal subjects) and without trivial ``x owl:sameAs x``.
    """
    import owlrl  # heavy: only when inference is asked for

    union = Graph()
    for s, p, o, _g in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    asserted = set(union)
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, rdfs_closure=False, axiomatic_triples=False, datatype_axioms=False
    ).expand(union)
    inferred = Graph()
    for s, p, o in sorted(set(union) - asserted):
        if isinstance(s, Literal) or (p == OWL.sameAs and s == o):
            continue
        inferred.add((s, p, o))
    return inferred
