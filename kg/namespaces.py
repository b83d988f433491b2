"""IRIs of kg: the ontology namespace (checked terms), the data namespaces and graph names."""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

BASE = "https://w3id.org/migration-kg/"


class KG(DefinedNamespace):
    """Terms of ontology/kg.ttl; a misspelt term fails at import (tests keep both in step)."""

    _fail = True
    _NS = Namespace(BASE + "ontology#")

    # classes
    Actor: URIRef
    Organization: URIRef
    State: URIRef
    SupranationalUnion: URIRef
    IntergovernmentalOrganization: URIRef
    Agency: URIRef
    Institution: URIRef
    Person: URIRef
    Post: URIRef
    Membership: URIRef
    Meeting: URIRef
    Agreement: URIRef
    Treaty: URIRef
    MemorandumOfUnderstanding: URIRef
    JointStatement: URIRef
    Commitment: URIRef
    Programme: URIRef
    Fund: URIRef
    Place: URIRef
    OnlinePlace: URIRef
    Topic: URIRef
    Modality: URIRef
    CooperationStatus: URIRef
    Claim: URIRef
    Communication: URIRef
    Article: URIRef
    Sentence: URIRef
    TextSpan: URIRef
    Assertion: URIRef
    IdentityLink: URIRef
    LinkStatus: URIRef
    # relations between actors, events and agreements
    participatedIn: URIRef
    organized: URIRef
    hosted: URIRef
    locatedIn: URIRef
    heldFrom: URIRef
    date: URIRef
    notBefore: URIRef
    notAfter: URIRef
    represents: URIRef
    holdsPost: URIRef
    postIn: URIRef
    memberOf: URIRef
    partOf: URIRef
    member: URIRef
    organization: URIRef
    since: URIRef
    until: URIRef
    partyTo: URIRef
    hasParty: URIRef
    signed: URIRef
    signatory: URIRef
    about: URIRef
    adoptedAt: URIRef
    cooperatesWith: URIRef
    funds: URIRef
    # claims
    statedBy: URIRef
    statedIn: URIRef
    issuedBy: URIRef
    modality: URIRef
    quotation: URIRef
    description: URIRef
    # provenance
    evidence: URIRef
    inRole: URIRef
    cooperationStatus: URIRef
    mentions: URIRef
    inSentence: URIRef
    inArticle: URIRef
    start: URIRef
    end: URIRef
    anchorOf: URIRef
    text: URIRef
    sentenceIndex: URIRef
    sha256: URIRef
    title: URIRef
    published: URIRef
    sourceName: URIRef
    # cross-article identity (graph/links, and reviews in article graphs)
    reportedSameAs: URIRef
    reviewedSameAs: URIRef
    reviewedNotSameAs: URIRef
    linkStatus: URIRef
    linkRule: URIRef
    matchScore: URIRef
    sharedActor: URIRef
    reviewedIn: URIRef
    # registry
    fullName: URIRef
    demonym: URIRef
    metonym: URIRef
    iso3166Alpha2: URIRef
    iso3166Alpha3: URIRef
    iso3166Numeric: URIRef
    identifierSource: URIRef
    # concept schemes and their concepts
    modalities: URIRef
    Agreed: URIRef
    Pledged: URIRef
    Stressed: URIRef
    ExpressedCommitment: URIRef
    Noted: URIRef
    Stated: URIRef
    Signed: URIRef
    cooperationStatuses: URIRef
    Existing: URIRef
    AgreedCooperation: URIRef
    Proposed: URIRef
    topics: URIRef
    linkStatuses: URIRef
    CandidateLink: URIRef
    ConfirmedLink: URIRef
    RejectedLink: URIRef
    # plans (prov:Plan) by which identity links are drawn
    SameMeetingRule: URIRef
    SameDocumentRule: URIRef
    ReviewRule: URIRef


ONTOLOGY_IRI = URIRef(BASE + "ontology")
ID = Namespace(BASE + "id/")
TOPIC = Namespace(BASE + "topic/")
GRAPH = Namespace(BASE + "graph/")
SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
OA = Namespace("http://www.w3.org/ns/oa#")
WIKIDATA = Namespace("http://www.wikidata.org/entity/")

ONTOLOGY_GRAPH = GRAPH["ontology"]
REGISTRY_GRAPH = GRAPH["registry"]
BACKGROUND_GRAPH = GRAPH["registry-background"]
# the store's own bookkeeping (content hashes per article graph); not data, never exported
STATE_GRAPH = GRAPH["build-state"]
# candidate and reviewed "same meeting / same document" links between article graphs (kg.links)
LINKS_GRAPH = GRAPH["links"]
BUILD = Namespace(BASE + "build#")


ARTICLE_GRAPH_PREFIX = str(GRAPH["article/"])


def article_graph(article_id: str) -> URIRef:
    """The named graph holding one article's facts and evidence."""
    return GRAPH[f"article/{article_id}"]


PREFIXES = {
    "kg": str(KG._NS),
    "id": str(ID),
    "topic": str(TOPIC),
    "graph": str(GRAPH),
    "schema": str(SCHEMA),
    "org": str(ORG),
    "oa": str(OA),
    "wd": str(WIKIDATA),
    "prov": "http://www.w3.org/ns/prov#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
