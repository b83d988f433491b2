"""The offline extractor: an article's text becomes a draft annotation for a person to review.

Rule-based and deterministic, with no model to download: sentences and quotations
(kg.textscan), registry actors through a gazetteer, persons and their posts from title patterns,
one meeting per article with its participants, organiser, host, place and date (or the first and
last day of the week or month the text gives instead), agreements and commitments with their
parties, quoted claims with who said them, topics from the SKOS scheme's labels, and stated
cooperation. Negated, background and comparison sentences give no facts.

The draft is an ``Annotation`` (kg.model) carrying a confidence per relation; kg.draft writes it
as the reviewed-annotation YAML or as JSON.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
import time
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from operator import attrgetter

import ahocorasick  # type: ignore[import-not-found]

from kg.annotation import sha256_text
from kg.model import Annotation, ArticleMeta, Entity, Registry, Relation, Span
from kg.textscan import Gazetteer, KeywordGate, NameHit, find_quotes, fold, folded_twin, split_sentences

# ---------------------------------------------------------------------------------------------
# lexicons

POSTS: dict[str, tuple[str, str]] = {
    # phrase (lower case) -> (post slug, label with {of})
    "interior minister": ("minister-of-the-interior", "Minister of the Interior of {of}"),
    "interior ministers": ("minister-of-the-interior", "Minister of the Interior of {of}"),
    "minister of the interior": ("minister-of-the-interior", "Minister of the Interior of {of}"),
    "minister of interior": ("minister-of-the-interior", "Minister of the Interior of {of}"),
    "home affairs minister": ("minister-of-the-interior", "Minister of the Interior of {of}"),
    "home secretary": ("home-secretary", "Home Secretary of {of}"),
    "foreign minister": ("minister-of-foreign-affairs", "Minister of Foreign Affairs of {of}"),
    "minister of foreign affairs": ("minister-of-foreign-affairs", "Minister of Foreign Affairs of {of}"),
    "foreign affairs minister": ("minister-of-foreign-affairs", "Minister of Foreign Affairs of {of}"),
    "prime minister": ("prime-minister", "Prime Minister of {of}"),
    "premier": ("prime-minister", "Prime Minister of {of}"),
    "president": ("president", "President of {of}"),
    "chancellor": ("chancellor", "Chancellor of {of}"),
    "king": ("king", "King of {of}"),
    "state secretary": ("state-secretary", "State Secretary of {of}"),
    "secretary of state": ("state-secretary", "State Secretary of {of}"),
    "commissioner": ("commissioner", "Commissioner of {of}"),
    "home affairs commissioner": ("commissioner-for-home-affairs", "Commissioner for Home Affairs of {of}"),
    "commissioner for home affairs": ("commissioner-for-home-affairs", "Commissioner for Home Affairs of {of}"),
    "executive director": ("executive-director", "Executive Director of {of}"),
    "director": ("director", "Director of {of}"),
    "secretary-general": ("secretary-general", "Secretary-General of {of}"),
    "high commissioner": ("high-commissioner", "High Commissioner of {of}"),
    "chairperson": ("chairperson", "Chairperson of {of}"),
    "chairman": ("chairperson", "Chairperson of {of}"),
    "chairwoman": ("chairperson", "Chairperson of {of}"),
    "deputy prime minister": ("deputy-prime-minister", "Deputy Prime Minister of {of}"),
    "minister": ("minister", "Minister of {of}"),
}
# heads of titles that may take a portfolio in lower case: "minister for home affairs and national security"
PORTFOLIO_HEADS = {"minister", "commissioner", "state secretary", "secretary of state", "secretary"}
PORTFOLIO_RE = re.compile(
    r"\s+(?:for|of)\s+(?:the\s+)?[a-z][a-z-]*(?:(?:,\s+|\s+and\s+|\s+)(?!of\b|for\b)[a-z][a-z-]*){0,6}"
)
# the body a title belongs to when nothing else is named ("the commissioner for migration"), and
# titles only one state gives ("Home Secretary James Cleverly": the United Kingdom's)
DEFAULT_BODY = {
    "commissioner": "european-commission",
    "home affairs commissioner": "european-commission",
    "home secretary": "united-kingdom",
}
# a state's government or lawmakers, named in a sentence before a title that names no state
# ("British lawmakers backed the plan of Prime Minister NAME")
GOVERNMENT_AFTER = re.compile(
    r"(?:['’]s)?\s+(?:government|authorities|lawmakers|legislators|MPs|parliament|cabinet|ministers|officials)\b"
)
GOVERNMENT_END = re.compile(r"\b(?:government|authorities)$")
# bodies that are not in the registry but whose titles belong to a registry actor:
# name -> (actor, slug of the body for the post id, label of the body)
SUB_BODIES = {"European Council": ("eu", "european-council", "the European Council")}
POST_RE = "|".join(re.escape(p) for p in sorted(POSTS, key=len, reverse=True))
# short names of bodies used before a title: "Commission President Ursula von der Leyen"
BODY_SHORT = {"Commission": "european-commission", "European Commission": "european-commission"}
# the body whose members hold a union's commissioner titles ("EU Home Affairs Commissioner")
COMMISSION_OF = {"eu": "european-commission"}
# posts whose holders speak for their ministry: post -> ministry id pattern
MINISTRY_POSTS = {"minister-of-the-interior": "{actor}-interior-ministry"}
# phrases that name a registry body without being one of its names
EXTRA_NAMES = {
    "European commissioners": "european-commission",
    "European commissioner": "european-commission",
    "European Commissioner": "european-commission",
    "EU commissioners": "european-commission",
    "EU Commissioner": "european-commission",
    "the Commission": "european-commission",
    "the EU executive": "european-commission",
    "the bloc": "eu",
    "the EU border agency": "frontex",
    "the EU police agency": "europol",
    "EU border agency": "frontex",
    "the UN refugee agency": "unhcr",
    "UN refugee agency": "unhcr",
}

_LETTER = r"[^\W\d_]"
_CAP = rf"(?:[A-ZÀ-ÖØ-Þ]{_LETTER}*(?:[-'’](?!s\b)[A-ZÀ-ÖØ-Þa-z]{_LETTER}*)*)"  # (not a possessive 's)
_PARTICLE = r"(?:von der|von|van der|van|de la|de|del|della|da|di|du|al-|el-|bin|ben|ibn|Ould|Ben|Al-|El-|bint)"
NAME_RE = re.compile(rf"{_CAP}(?:\s+(?:{_PARTICLE}\s*)?{_CAP}){{1,7}}")
NOT_NAME_WORDS = {
    "The", "A", "An", "On", "In", "At", "But", "And", "European", "African", "Union", "Ministers", "Minister",
    "President", "Prime", "Commission", "Council", "Interior", "Home", "Secretary", "January", "February",
    "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "State", "Affairs",
    "Foreign", "Director", "Executive", "Agency", "Memorandum", "Understanding", "Declaration", "Summit",
    "Conference", "Mediterranean", "North", "South", "East", "West", "Process", "Fund", "Trust", "Facility",
    "Partnership", "Statement", "Plan", "Action", "Emergency", "Coast", "Guard", "King", "Chancellor",
}  # fmt: skip
HONORIFICS = {"Mr", "Ms", "Mrs", "Dr", "Prof"}
HONORIFIC = re.compile(r"\bM(?:r|s|rs)\b")
DIGIT = re.compile(r"\d")
# a state's name inside a geographic name: "Lake Chad"
GEOGRAPHIC_PREFIX = re.compile(r"\b(?:Lake|Mount|River|Cape)\s+$")
# a city's name before these nouns names rules or a process, not the city's government
NAMED_AFTER_CITY = re.compile(r"\s+(?:rules|regulations?|Regulation|system|[Cc]onvention|[Pp]rocess)\b")
# parts of the world, never a meeting's place
REGIONS = {"Africa", "Europe", "Asia", "America", "Americas", "Oceania", "Sahel", "Balkans", "Maghreb", "Gulf"}
NOT_NAME_WORDS |= {word.capitalize() for phrase in POSTS for word in phrase.split()} - {"Of", "For", "The"}

MEETING_NOUNS = re.compile(
    r"\b(?:meeting|summit|conference|talks|videoconference|video conference|ministerial|event|gathering|session)\b",
    re.I,
)
MEETING_HEAD = re.compile(
    r"\b(?:(?:the|a|an|this)\s+)(?:meeting|summit|conference|talks|videoconference|event|gathering|ceremony)\b"
    r"|talks\b(?<=\bfor talks)|talks\b(?<=\bheld talks)",  # (looking back only where "talks" is)
    re.I,
)
# another meeting, announced for later: "at an informal summit in Valletta", "at a meeting on 8 October"
OTHER_MEETING = re.compile(
    r"\b(?:at|to|for)\s+(?P<phrase>(?:a|an)\s+(?:[a-z-]+\s+){0,2}?(?:meeting|summit|conference|ministerial))\b"
)
FUTURE = re.compile(
    r"\b(?:plans? to|planned to|due to|will|next|scheduled|to be held|later this|upcoming|(?:is|are|was|were) to)\b",
    re.I,
)
PARTICIPATION = re.compile(
    r"\b(?:met|meet|meets|meeting|discussed|discuss|attended|attend|attending|took part|take part|joined|gathered|"
    r"talks with|held talks|colleagues from|counterparts from|counterparts of|participants|delegations? from|"
    r"summit|conference|videoconference|ministers of|leaders of|leaders from|heads of state|talks|"
    r"sat down with|visit(?:ed|ing)?|welcomed|received|travell?ed to|in the presence of|ceremony|chaired|"
    r"were present|was present|joined by|alongside|together with|(?:was|were) represented by|as did|"
    r"sent (?:ministers|a minister|a delegation|delegations|its|their|representatives|envoys))\b",
    re.I,
)
ORGANISED = re.compile(
    r"\b(?:convened|organi[sz]ed|called|initiated|brought together|at the (?:invitation|initiative) of)\b", re.I
)
HOSTED = re.compile(r"\b(?:hosted|hostess|host(?!ile))\b", re.I)
# a modal right before an organising or hosting verb: what someone will do, not what they did
WILL_DO = re.compile(r"\b(?:will|would|is to|are to|plans? to|(?:is|are) (?:due|set|expected) to)\s+$", re.I)
ONLINE = re.compile(
    r"\b(?:videoconference|video conference|video link|online(?!\s+(?:service|platform|content|shop|provider)s?\b)|"
    r"virtual(?:ly)?)\b",
    re.I,
)
NEGATION = re.compile(
    r"\b(?:not|n't|never|no|neither|nor|declined|refused|stayed away|boycott(?:ed)?|absent|without|"
    r"was invited but|were invited but|skipped|pulled out|withdrew)\b",
    re.I,
)
NEGATED_PRESENCE = re.compile(
    r"\b(?:(?:was|were|is|are)\s+not\s+(?:part of|present|represented|among|included)|"
    r"(?:did|does|do)(?:\s+not|n't)\s+(?:attend|take part|join|sign|participate)|"
    r"(?:had|has|have)(?:\s+not|n't|\s+never)\s+(?:yet\s+)?(?:attended|taken part|joined|signed|participated)|"
    r"never\s+(?:attended|took part|joined|signed|participated)|stayed away|declined to (?:attend|sign|join))\b",
    re.I,
)
BACKGROUND = re.compile(
    # ("the previous day", "earlier this month", "two days earlier" are the article's own time frame)
    r"\b(?:unlike|similar to|modelled on|modeled on|compared with|compared to|previous(?!\s+day\b)|"
    r"(?<!day )(?<!days )earlier(?!\s+(?:this\s+(?:week|month)|today)\b)|"
    r"in the past|last year|years ago|in (?:19|20)\d\d|the (?:19|20)\d\d|during that (?:trip|visit))\b",
    re.I,
)
CRITIC_VERBS = re.compile(r"\b(?:criticis|criticiz|condemn|denounc|warned|opposed|decried|slammed)\w*", re.I)
SPEECH = re.compile(
    r"\b(?:said|says|stated|told|added|stressed|underlined|underscored|emphasi[sz]ed|declared|noted that|"
    r"according to|insisted|explained|announced)\b",
    re.I,
)
STRESS = re.compile(r"\b(?:stressed|underlined|underscored|emphasi[sz]ed|insisted)\b", re.I)
COMMUNICATION = re.compile(
    r"\b(?:the|a|an|in a|in the|its)\s+(?:joint\s+)?(?:message|communiqu[eé]|press release|statement)\b", re.I
)
# (words in lower case, as in every case-insensitive pattern: it then has a folded twin)
COMMITMENT = re.compile(
    # (past or present: "undertook to", "undertakes to"; a document may stand between the verb and
    # what is undertaken, and the undertaking may be not to do something: "undertakes in the treaty not to")
    r"\b(?P<verb>(?:pledged|pledges|agreed|agrees|committed|commits|undertook|undertakes|vowed|vows|promised|"
    r"promises|resolved|resolves)(?:\s+(?:themselves|itself|himself|herself))?"
    r"(?:\s+on\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|\s+yesterday|\s+today)?"
    r"(?:\s+(?:in|under)\s+(?:the|this|that|its|their)\s+(?:treaty|agreement|deal|accord|pact|memorandum|"
    r"declaration|protocol|text))?(?:\s+not)?\s+to|"
    r"agreed on the need to|commit to|expressed their (?:\"|“)?clear commitment(?:\"|”)?|"
    r"expressed (?:their|its) commitment to|noted support|"
    r"(?:pledged|committed|promised)(?=\s+(?:an?\s+)?(?:initial\s+|additional\s+|further\s+|extra\s+)?"
    r"(?:about\s+|some\s+|around\s+|nearly\s+)?(?:[€$£]\s?)?[\d.,]+\s*(?:million|billion|bn|m)\b))",
    re.I,
)
COMMITMENT_MODALITY = [  # (stems: "pledged" and "pledges", "undertook" and "undertakes")
    ("pledge", "pledged"),
    ("vow", "pledged"),
    ("promis", "pledged"),
    ("commit", "pledged"),
    ("undert", "pledged"),
    ("expressed", "expressed-commitment"),
    ("noted", "noted"),
    ("agree", "agreed"),
    ("resolve", "agreed"),
]
BARE_VERBS = (
    "support", "dismantle", "strengthen", "promote", "continue", "fight", "combat", "prevent", "step up",
    "increase", "improve", "develop", "establish", "create", "launch", "work", "tackle", "boost", "expand",
    "reinforce", "enhance", "address", "provide", "ensure", "open", "set up", "identify", "prosecute",
)  # fmt: skip
AGREEMENT_NOUNS: list[tuple[re.Pattern[str], str, str]] = [
    (
        re.compile(r"\bmemorand(?:um|a) of understanding\b|\bmemorandum\b|\bmou\b", re.I),  # ("MoU")
        "MemorandumOfUnderstanding",
        "mou",
    ),
    (re.compile(r"\baction plan\b", re.I), "JointStatement", "action-plan"),
    (re.compile(r"\bcall to action\b", re.I), "JointStatement", "call-to-action"),
    (
        re.compile(
            r"\b(?:joint|political)\s+declaration\b|\bdeclaration\b|\bjoint statement\b|"
            r"\b(?:[A-Z][\w]*[–-])?[A-Z][\w]*\s+Statement\b"
        ),
        "JointStatement",
        "declaration",
    ),
    (re.compile(r"\bprotocol\b|\btreaty\b", re.I), "Treaty", "agreement"),
]
# words for any agreement: the article's one named document when it has one, else a treaty
GENERIC_AGREEMENT = re.compile(r"\b(?:accord|deal|agreement|pact|arrangement)\b", re.I)
# after an agreement verb: "[a memorandum of understanding] with WHO", WHO up to the next clause, date or aim
SIGNED_WITH = re.compile(
    r"(?P<doc>(?:\s+(?!with\b)[\w'’-]+){0,8}?)\s+with\s+(?!(?:the\s+)?(?:support|help|backing|aid|assistance)\b)"
    r"(?P<who>[^,.;:()]+?)(?=\s+(?:a|an|on|in|at|to|that|which|who|after|before|during|for|under|last|this|next|"
    r"earlier|later|as|while|when|since|by)\b|\s*[,.;:()]|\s*$)",
    re.I,
)

# "in cooperation with", "together with", "in consultation with": who helped, not a party
WITH_HELPER = re.compile(
    r"\b(?:cooperation|co-operation|together|along|partnership|consultation|coordination|conjunction|talks|"
    r"negotiations|discussions)\s*$",
    re.I,
)


def _names_document(words: str) -> bool:
    """Whether ``words`` name a document ("a new deal", "the memorandum of understanding")."""
    return bool(GENERIC_AGREEMENT.search(words) or any(pattern.search(words) for pattern, _, _ in AGREEMENT_NOUNS))


def _with_names_a_party(document: str, after: str) -> bool:
    """Whether "VERB ``document`` with WHO ``after``" makes WHO a party: the words before "with" name
    the document ("signed a deal with"), or, with none, the words after WHO do ("signed with Libya a
    memorandum"; not "agreed with France that ..."); never "in cooperation with", "together with"."""
    if WITH_HELPER.search(document):
        return False
    if document.strip():
        return _names_document(document)
    return bool(re.match(r"\s+(?:a|an|the)\b", after)) and _names_document(" ".join(after.split()[:6]))


CONTINUES = re.compile(
    r"(?:It|They|This|Under (?:the|its|this)|The (?:deal|agreement|memorandum|protocol|declaration|plan|text|"
    r"partnership|arrangement|accord|pact|statement|package))\b"
)
AGREEMENT_VERBS = re.compile(
    r"\b(?:signed|sign|signing|agreed|agreeing|adopted|adopting|approved|approving|concluded|endorsed|endorsing|"
    r"reached|struck|sealed|unveiled|inked|launched|launching)\b",
    re.I,
)
SIGNED = re.compile(r"\b(?:signed|signing|inked|put (?:their|his|her) signatures?)\b", re.I)
COLLECTIVE = re.compile(
    r"\b(?:the participants|participants|they|the ministers|ministers|the leaders|leaders|the delegations|"
    r"the two (?:sides|countries|governments|states)|both (?:sides|countries|governments)|the parties|"
    r"all participants|european and african ministers)\b",
    re.I,
)
COOPERATION = re.compile(r"\bcooperation (?:between|with)\b", re.I)
# a message named as the source: "In a press release issued the same day, X said", "According to a
# summary published by the Polish government", "In the conclusions of the conference, published by"
SOURCE_MESSAGE = re.compile(
    r"^(?:In|According to)\s+(?P<c>(?:the|a|an|its)\s+(?:joint\s+)?(?:press release|statement|communiqu[eé]|"
    r"summary|conclusions|readout|message)(?:\s+of\s+the\s+\w+)?)(?:,?\s+(?:published|issued|released)"
    r"(?P<by>\s+by\b)?)?"
)
# a named fund: "the EU Emergency Trust Fund for Africa", "the Facility for Refugees in Turkey"
FUND_RE = re.compile(
    r"\b(?:the\s+)?(?:[A-Z][\w-]*\s+){0,4}(?:Trust\s+)?(?:Fund|Facility)\b"
    r"(?:\s+for\s+(?:[\w-]+\s+){0,12}?[A-Z][\w-]+(?:\s+in\s+[A-Z][\w-]+)?)?"
)
MONEY = re.compile(
    r"(?:[€$£]\s?[\d.,]+\s*(?:million|billion|bn|m)?|[\d.,]+\s*(?:million|billion)\s+(?:euros|dollars|pounds))",
    re.I,
)
MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january", "february", "march", "april", "may", "june", "july", "august", "september",
            "october", "november", "december",
        ],
        1,
    )
}  # fmt: skip
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
DATE_RE = re.compile(
    r"\b(?:on\s+)?(?:(?P<d1>\d{1,2})(?:\s*(?:and|to|-|–)\s*\d{1,2})?\s+(?P<m1>January|February|March|April|May|June|July|August|September|"
    r"October|November|December)(?:\s+(?P<y1>\d{4}))?|(?P<m2>January|February|March|April|May|June|July|"
    r"August|September|October|November|December)\s+(?P<d2>\d{1,2})(?:,\s*(?P<y2>\d{4}))?|"
    r"(?P<wq>on|last|next|this|coming)\s+(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))\b"
)

# "ROME, 2 February 2017 –", "BIRGU, Malta, 23 September 2019 –", "KIGALI, April 14, 2022 —"
DATELINE_RE = re.compile(
    r"(?P<city>[A-Z][A-Z'. -]+[A-Z])(?:,\s+[A-Z][\w .'-]+?)?,\s+(?P<date>\d{1,2}\s+[A-Z][a-z]+\s+\d{4}|"
    r"[A-Z][a-z]+\.?\s+\d{1,2},\s+\d{4})\s*[-–—]+\s*"
)
RELATIVE_DAYS = re.compile(r"\b(?P<rel>yesterday|today|tomorrow)\b", re.I)
# a day counted from the last date the text names: "the day before", "two days later", "the next day";
# before a clause ("a day before EU leaders met") it dates that other event instead
DAY_OFFSET = re.compile(
    r"\b(?:(?P<n>a|the|one|two|three|four|five|six)\s+days?\s+(?P<dir>before|earlier|after|later)|"
    r"the\s+(?P<adj>previous|following|next)\s+day)\b(?P<conj>\s+(?:the|a|an|its|their|his|her|(?-i:[A-Z])))?",
    re.I,
)
NUMBERS = {"a": 1, "the": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
# a week or a month counted from the article's date: "last week", "earlier this month", "next month"
PERIOD = re.compile(r"\b(?P<rel>last|next|(?:earlier|later)\s+this|this)\s+(?P<unit>week|month)\b", re.I)
# a named month, for when something took place: "in March", "in March 2023", "in early March", "in
# mid-March" (early, mid and late stay the whole month); "on 5 March" is a day (DATE_RE), and "by
# March", "since March" or "until March" a limit, which take no "in"
NAMED_MONTH = re.compile(
    r"\b(?:[Ii]n|[Dd]uring)\s+(?:(?:early|mid|late)[\s-]+)?(?P<month>January|February|March|April|May|June|July|"
    r"August|September|October|November|December)\b(?:\s+(?P<year>\d{4})\b)?(?![\s,]+\d)"
)
# the week a weekday is in: "on Tuesday last week"
WEEK_AFTER_DAY = re.compile(r"\s+(?:of\s+)?(?P<rel>last|this|next)\s+week\b(?!['’]s)", re.I)
# words before a period that make it a limit or another time ("by next week", "since last month",
# "the last week of June", "after last week's summit")
NOT_A_PERIOD = re.compile(r"\b(?:the|by|until|till|before|since|after|from|within|through)\s+$", re.I)
# what makes a weekday the next one rather than the last: "will meet on Tuesday", "is due to sign on Friday"
FUTURE_TENSE = re.compile(
    r"\b(?:will|shall|is to|are to|(?:is|are|was|were) due to|due to|(?:is|are) (?:scheduled|expected|set) to|"
    r"plans? to|planned to|to be held)\b|['’]ll\b",
    re.I,
)
# a title just before a name, just after it (", the interior minister of Italy"), a counterpart
TITLE_BEFORE = re.compile(rf"(?P<post>{POST_RE})(?:\s+(?:of|for)\s+(?P<of>[^,]{{2,60}}?))?\s*,?\s*$", re.I)
TITLE_AFTER = re.compile(
    rf",\s+(?:the\s+)?(?:(?P<pre>[^,]{{0,30}}?)(?:['’]s\s+|\s+))?(?P<post>{POST_RE})"
    rf"(?:\s+(?:of|for)\s+(?P<of>[^,.;]{{2,60}}))?",
    re.I,
)
# a capitalised title right before a name: "Prime Minister NAME", "Interior Minister NAME"
BARE_TITLE = re.compile(rf"\b(?=[A-Z])(?i:{POST_RE})\s+$")
# a word before a title: "Italy's new interior minister"
TITLE_ADJECTIVE = re.compile(r"\s(?:new|former|acting|outgoing|incoming|newly appointed)\s+$", re.I)
COUNTERPART = re.compile(r"(?:his|her|their)\s+(?P<dem>\w+)\s+counterparts?\s*,?\s*$")
PRESIDENCY_OF = re.compile(r"\b(?:presidency|president|behalf|chair|members?|member states?) of (?:the )?$", re.I)
# more phrases the stages look for in sentences
HELD = re.compile(r"\b(?:held|met|hosted|ceremony)\b")
TOOK_PLACE = re.compile(r"\b(?:held|met|meets?|took place|hosted|convened|ceremony)\b")
CAPITAL_OF = re.compile(r"\bthe (?P<dem>[A-Z]\w+) capital\b")
SPEAKER_VERB = re.compile(
    r"\b(?:said|says|told|added|stressed|underlined|insisted|warned|declared|maintained|argued|proposed|"
    r"pointed to)\b"
)
SAID_BY = re.compile(r"(?:,|-|–|—)\s*(?:-\s*)?(?:said|says|stated|told reporters|added)\s+(?:by\s+)?(?P<rest>.+)$")
SAID = re.compile(r"\b(?:said|stated)\b")
SAID_IN = re.compile(r"\b(?:said|stated)\s+in\b")
CLAIM_CLAUSE = re.compile(
    r"\b(?:stressed|underlined|said|says|emphasi[sz]ed|insisted|warned|maintained|argued|"
    r"told reporters|proposed|pointed to)\s+(?:on\s+[A-Z]\w+day\s+)?(?:that\s+)?"
    r"(?!after|before|as|when|while|during|at|in|on|from|to|with)(?P<c>[^.;]{12,})"
)
# "Frontex and Europol already work together", "committed themselves to working together"
WORK_TOGETHER = re.compile(r"\b(?:work(?:s|ed|ing)?\s+together|cooperat(?:e|es|ed|ing))\b", re.I)
TWO_SIDES = re.compile(r"\b(?:the two|both) (?:sides|governments|countries|parties)\b", re.I)
# an agency described as the union's: "the EU police agency", "the EU's judicial cooperation agency"
UNION_AGENCY = re.compile(r"\b(?P<u>EU|European Union)(?:['’]s)?\s+(?:[a-z-]+\s+){0,3}?agency\b")
LAUNCHES_PARTNERSHIP = re.compile(r"\blaunch(?:ed|es|ing)?\b[^.;]{0,90}?\bpartnership\b", re.I)
IN_COOPERATION_WITH = re.compile(r"\bin (?:close )?cooperation with\b", re.I)
POSSESSIVE = re.compile(r"['’]s\b")
# the kinds of actor that another actor cooperates with
COOPERATING = ("Agency", "IntergovernmentalOrganization", "Institution", "State", "SupranationalUnion")
# ids the extractor gives documents
AGREEMENT_IDS = {"mou", "declaration", "agreement", "action-plan", "call-to-action"}
# what someone said, before a verb: "Johansson said ten countries had pledged to"
REPORTED = re.compile(r"\b(?:said|says|told \w+|added|stated)\b(?:\s+that)?\s+\S")
DOCUMENT_TYPES = ("MemorandumOfUnderstanding", "JointStatement", "Treaty")
AND_SAID = re.compile(
    r"\band (?:said|added|stressed|warned|insisted) (?:that )?"
    r"(?!after|before|as|when|while|at|in|on)(?P<c>[^.;\"“”]{12,})"
)
# a reported statement of what a document aims at: "the accord had three aims: ...", "the aim was to ..."
DOCUMENT_AIMS = re.compile(
    r"(?:the|its) (?:(?:aims?|goals?|objectives?|purpose) (?:is|was|are|were)\b|"
    r"(?:accord|deal|agreement|protocol|memorandum|declaration|treaty|pact|plan|scheme) (?:has|had|have)"
    r" (?:\w+ )?(?:aims?|goals?|objectives?|pillars|parts)\b)",
    re.I,
)
# a statement with its source after it: "..., according to the UN refugee agency"
ACCORDING_TO = re.compile(r"(?<=\S),\s+according to\b")
SIGNED_IT = re.compile(r"\b(?:signed|adopted|endorsed|approved|initialled) (?:it|the (?:final )?(?:text|document))\b")
# an undertaking stated as settled: "patrols are to resume", "preparations will begin", "X will back"
SETTLED = re.compile(
    r"\b(?:is|are)\s+to\s+(?!be\b|have\b|meet\b)|"
    r"\b(?:will|shall)\s+(?!be\b|have\b|not\b|never\b|meet\b|gather\b)(?=[a-z])"
)
# a clause with its own subject that states a settled undertaking: ", and a committee will check"
_NEXT_SETTLED = r",\s+(?:and|but|while)\s+(?=(?:[\w'’-]+\s+){1,4}(?:will|shall|is to|are to)\s)"
# where a settled undertaking's clause ends
SETTLED_END = re.compile(r"[.;]|,\s+(?:and|but|while|as|which|including)\b|,\s+(?=[a-z]+\s+(?:will|are to|is to)\b)")
# the parties as a whole, in what their side says they would do
BOTH_SIDES = re.compile(r"(?:the two|both|all) (?:sides|governments|countries|parties)|the parties", re.I)
SETTLED_LEAD = re.compile(r"\s*(?:and|but|while|also)\s+|\s*(?:Under|In|With) (?:the|its|this) [\w\s-]{2,40}?,\s*")
# a statement of what someone would do: "X said the two governments would hold a meeting"
STATED_WOULD = re.compile(
    r"\b(?:said|announced|stated|added|confirmed)\s+(?:that\s+)?(?P<subj>(?:[\w'’-]+\s+){0,5}?[\w'’-]+)\s+"
    r"(?:would|will|(?:are|were|is|was) to)\s+(?P<rest>(?!be\b)[a-z][^.;]*)"
)
# words of places and organisations: a capitalised name holding one is not a person's
NOT_PERSON_WORDS = {
    "Police", "Guard", "Ministry", "Office", "Agency", "Service", "Services", "Group", "Court", "Organisation",
    "Organization", "International", "Committee", "Department", "Bank", "Watch", "Rights", "Cross", "Crescent",
    "Doctors", "Children", "Islands", "Island", "Sea", "Strait", "Bay", "Lake", "River", "Mount", "Valley",
    "Region", "Province", "City", "Peninsula", "Desert", "Horn", "Border", "Navy", "Army", "Forces", "Party", "News",
    "Press", "Times", "Post", "Institute", "University", "Centre", "Center", "Foundation", "Association", "Network",
    "Programme", "Program", "Initiative", "Alliance", "Movement", "Front", "Coalition", "Company", "Corporation",
    "Operation", "Mission", "Route", "Republic", "Kingdom", "States", "Emirates", "Parliament", "Assembly",
    "Government", "Authority", "Authorities", "Crossing", "Airport", "Port", "Harbour", "Square", "Palace", "House",
    "Street", "Avenue", "Hall", "Tower", "Day", "Week", "Year", "Act", "Law", "Pact", "Treaty", "Agreement", "Deal",
    "Accord", "Protocol", "Convention", "Charter", "Report", "Team", "Force", "Unit", "Board",
} | NOT_NAME_WORDS  # fmt: skip
# a host receiving guests (Extractor._reception): the verb, the words between it and a named guest, guests unnamed
RECEIVED = re.compile(r"\b(?:received|receives|welcomed|welcomes)\b")
GUEST_LEAD = re.compile(r"\s+(?:the\s+)?(?:[A-Z][\w'’-]*\s+){0,3}(?:[a-z-]+\s+){0,2}?(?:[A-Z][\w'’-]*\s+){0,2}")
GUESTS = re.compile(
    r"\s+(?:him|her|them|the (?:delegations?|ministers|leaders|visitors|guests|participants)|"
    r"(?:his|her|their) (?:[A-Z]\w+ )?(?:counterparts?|guests?|colleagues?))\b"
)
# an apposition between a name and its verb: "Matteo Villa, a researcher at a think tank, said"
_APPOSITION = r",\s+(?:a|an|the)\s+[a-z][^,.;\"“”]{2,80},"
APPOSITION = re.compile(_APPOSITION + r"\s*")
# what follows a person's name given without a title: a speech verb, or an apposition then one
UNTITLED_NAME_FOLLOWED = re.compile(
    rf"(?:{_APPOSITION})?\s+(?:also\s+)?"
    r"(?:said|says|told|added|stressed|warned|insisted|argued|noted|explained|declared|wrote|announced)\b"
)
# pronouns resolved when their antecedent is clear (Extractor._pronouns)
SUBJECT_PLACE = re.compile(r"|.*(?:[,;]\s*(?:and|but)?|\b(?:and|but))\s*")  # before a pronoun that is a subject
# (the lookahead: re tries the pronouns only where a word starts with one of their first letters)
PRONOUN = re.compile(r"\b(?=[HhSsIiTt])(?:(?P<person>[Hh]e|[Ss]he|him)|(?P<thing>[Ii]t|[Tt]hey))\b")
EXPLETIVE = re.compile(
    r"\s+(?:is|was|seems|seemed|appears|appeared|remains|remained|would be|will be|has been|had been|may|might|"
    r"could|must|should|also emerged)\b|['’]s\b"
)
COOPERATION_BETWEEN = re.compile(r"\bcooperation between\b(?P<left>.+?)\band\b(?P<right>[^.;]+)")

# A sentence is searched for one of these patterns only when it holds one of the words every match
# of the pattern contains (kg.textscan.required_words), found by one Aho–Corasick pass per sentence:
# most sentences lack most of these phrases, and the pass costs far less than the searches.
GATED = (
    MEETING_NOUNS, MEETING_HEAD, OTHER_MEETING, FUTURE, PARTICIPATION, ORGANISED, HOSTED, ONLINE, NEGATED_PRESENCE,
    BACKGROUND, CRITIC_VERBS, SPEECH, STRESS, COMMUNICATION, COMMITMENT, GENERIC_AGREEMENT, AGREEMENT_VERBS,
    SIGNED, COLLECTIVE, COOPERATION, FUND_RE, DATE_RE, RELATIVE_DAYS, DAY_OFFSET, PERIOD, NAMED_MONTH, HELD,
    TOOK_PLACE, CAPITAL_OF, TITLE_BEFORE, TITLE_AFTER, STATED_WOULD, RECEIVED, COUNTERPART, SPEAKER_VERB, SAID_BY,
    SAID, SAID_IN, CLAIM_CLAUSE, SIGNED_IT, COOPERATION_BETWEEN, WORK_TOGETHER, TWO_SIDES, UNION_AGENCY,
    LAUNCHES_PARTNERSHIP, IN_COOPERATION_WITH, REPORTED, AND_SAID, ACCORDING_TO,
    *(pattern for pattern, _cls, _base in AGREEMENT_NOUNS),
)  # fmt: skip
_GATE = KeywordGate(list(GATED))
# the sentences are folded for the gate anyway: a case-insensitive pattern searched for in them
# runs faster as its folded twin (kg.textscan.folded_twin); keyed by id, as in the gate (the
# patterns are module constants, kept here too)
SEARCHED_FOLDED = (*GATED, NEGATION, TITLE_ADJECTIVE)
_TWINS = {id(pattern): twin for pattern in SEARCHED_FOLDED if (twin := folded_twin(pattern))}
# what the clause of a period must name for the period to date a meeting, or the making of an agreement
MEETING_CUES = (MEETING_NOUNS, TOOK_PLACE, PARTICIPATION, RECEIVED)
AGREEMENT_CUES = (AGREEMENT_VERBS,)


def _day_shift(m: re.Match[str]) -> int:
    """Days a DAY_OFFSET match moves from its anchor: -1 for "the day before", +2 for "two days later"."""
    if m.group("adj"):
        return -1 if fold(m.group("adj")) == "previous" else 1
    n = NUMBERS[fold(m.group("n"))]
    return -n if fold(m.group("dir")) in ("before", "earlier") else n


def _month_end(first: dt.date) -> dt.date:
    """The last day of the month that starts on ``first``."""
    return (first + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1)


def period_days(rel: str, unit: str, published: dt.date, future: bool = False) -> tuple[dt.date, dt.date] | None:
    """The first and last day of a week or month named relative to ``published`` (weeks run Monday
    to Sunday); None when the period holds no day ("earlier this month" on the 1st).

    ``rel`` is "last", "earlier this", "this", "later this" or "next"; ``future`` says whether
    "this week" or "this month" is ahead of the article ("will meet this week") or behind it.

    >>> [d.isoformat() for d in period_days("last", "week", dt.date(2023, 12, 13))]
    ['2023-12-04', '2023-12-10']
    >>> [d.isoformat() for d in period_days("earlier this", "month", dt.date(2024, 3, 1)) or []]
    []
    >>> [d.isoformat() for d in period_days("last", "month", dt.date(2024, 3, 15))]
    ['2024-02-01', '2024-02-29']
    """
    day = dt.timedelta(days=1)
    if unit == "week":
        first = published - published.weekday() * day  # Monday
        last = first + 6 * day
    else:
        first = published.replace(day=1)
        last = _month_end(first)
    if rel == "last":
        last = first - day
        first = last - 6 * day if unit == "week" else last.replace(day=1)
    elif rel == "next":
        first = last + day
        last = first + 6 * day if unit == "week" else _month_end(first)
    elif rel == "earlier this":
        last = published - day
    elif rel == "later this":
        first = published + day
    elif future:  # "this week", "this month" ahead of the article
        first = published
    else:  # behind it
        last = published
    return (first, last) if first <= last else None


def month_days(
    month: int, year: int | None, published: dt.date, future: bool = False
) -> tuple[dt.date, dt.date] | None:
    """The first and last day of a named month ("in March", "in March 2023") as the article dated
    ``published`` can mean it; None when it holds no such day ("met in June 2024" in May 2024).

    Without a year the month is the last one of its name up to the article's (the next one from
    it when ``future``: "will meet in March"); the article's own month ends at its day, or when
    ``future`` starts there.

    >>> [d.isoformat() for d in month_days(3, None, dt.date(2024, 5, 15))]
    ['2024-03-01', '2024-03-31']
    >>> [d.isoformat() for d in month_days(11, None, dt.date(2024, 5, 15))]
    ['2023-11-01', '2023-11-30']
    >>> [d.isoformat() for d in month_days(3, None, dt.date(2024, 5, 15), future=True)]
    ['2025-03-01', '2025-03-31']
    >>> [d.isoformat() for d in month_days(5, None, dt.date(2024, 5, 15))]
    ['2024-05-01', '2024-05-15']
    """
    if year is None:
        year = published.year
        if not future and month > published.month:
            year -= 1
        elif future and month < published.month:
            year += 1
    first = dt.date(year, month, 1)
    last = _month_end(first)
    if future:
        first = max(first, published)
    else:
        last = min(last, published)
    return (first, last) if first <= last else None


def _boundary(text: str, pos: int) -> bool:
    """Whether ``\\b`` matches at ``pos`` in ``text``: a word character on one side only."""
    before = pos > 0 and (text[pos - 1].isalnum() or text[pos - 1] == "_")
    return before != (pos < len(text) and (text[pos].isalnum() or text[pos] == "_"))


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """An id from a label: ASCII lower case, words joined by hyphens."""
    if not text.isascii():  # (ASCII is its own NFKD form)
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_SLUG.sub("-", text.lower()).strip("-") or "x"


def _surname_spans(text: str, surname: str) -> Iterator[tuple[int, int]]:
    """Where ``text`` names ``surname``: its first letter in either case, not after a letter or
    hyphen, the rest as it is, not followed by a letter or hyphen.

    The spans of ``re.finditer`` with that pattern, found faster: the pattern is tried only just
    before each place ``str.find`` gives for the rest (a character class would make ``re`` test
    every character of the text), each match starting after the one before.
    """
    first = f"[{surname[0].upper()}{surname[0].lower()}]"
    pattern = re.compile(rf"{first}(?<![\w-]{first}){re.escape(surname[1:])}(?![\w-])")
    rest = surname[1:]
    if not rest:
        yield from (m.span() for m in pattern.finditer(text))
        return
    last_end = 0
    at = text.find(rest, 1)
    while at != -1:
        if at - 1 >= last_end and (m := pattern.match(text, at - 1)):
            last_end = m.end()
            yield m.span()
        at = text.find(rest, at + 1)


# ---------------------------------------------------------------------------------------------
# the draft under construction


@dataclass
class _Entity:
    id: str
    registry: str | None = None
    type: str | None = None
    label: str | None = None
    mentions: set[tuple[int, int]] = field(default_factory=set)


class _Draft:
    def __init__(self, text: str) -> None:
        self.text = text
        self.entities: dict[str, _Entity] = {}
        self.relations: dict[tuple[str, str, str], Relation] = {}
        self.spans: dict[tuple[int, int], Span] = {}  # evidence spans, one object for each (a sentence's)
        # the periods found for a meeting or document, decided in Extractor._annotation:
        # entity id -> [(confidence, first day, last day, evidence)], days as ISO strings
        self.periods: dict[str, list[tuple[float, str, str, tuple[int, int]]]] = {}

    def entity(self, eid: str, **attrs: str | None) -> _Entity:
        if eid not in self.entities:
            self.entities[eid] = _Entity(eid, **attrs)  # type: ignore[arg-type]
        return self.entities[eid]

    def mention(self, eid: str, start: int, end: int) -> None:
        # a mention is kept once, and never overlapping another mention of the same entity
        mentions = self.entities[eid].mentions
        for s, e in mentions:
            if s < end and start < e:
                return
        mentions.add((start, end))

    def relate(
        self, subject: str, predicate: str, obj: str, evidence: tuple[int, int], confidence: float, **kw: object
    ) -> None:
        if subject == obj:
            return
        key = (subject, predicate, obj)
        if key not in self.relations or (self.relations[key].confidence or 0.0) < confidence:
            span = self.spans.get(evidence)
            if span is None:
                span = self.spans[evidence] = Span(evidence[0], evidence[1], self.text[evidence[0] : evidence[1]])
            self.relations[key] = Relation(subject, predicate, obj, (span,), confidence=confidence, **kw)  # type: ignore[arg-type]

    def drop(self, eids: Iterable[str]) -> None:
        """Take entities out of the draft: their mentions and every relation naming them."""
        dropped = set(eids)
        if dropped:
            for key in [k for k in self.relations if k[0] in dropped or k[2] in dropped]:
                del self.relations[key]
            for eid in dropped:
                self.entities[eid].mentions.clear()

    def period(self, subject: str, found: tuple[str, str, tuple[int, int]], confidence: float) -> None:
        """Record that ``subject`` took place between two days (``found``: first, last, evidence)."""
        entry = (confidence, *found)
        if entry not in self.periods.setdefault(subject, []):
            self.periods[subject].append(entry)

    def post_of(self, who: str) -> str | None:
        """The post a person was found to hold, if any."""
        return next(
            (r.object for r in self.relations.values() if r.subject == who and r.predicate == "holdsPost"), None
        )


# ---------------------------------------------------------------------------------------------


@dataclass
class _Places:
    """Places the text names: id -> label and every span that names it (a capital in a place
    context, "the Belgian capital", the dateline's city, "in Birgu")."""

    labels: dict[str, str] = field(default_factory=dict)
    spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    def add(self, label: str, start: int, end: int) -> str:
        pid = slug(label)
        self.labels.setdefault(pid, label)
        if (start, end) not in self.spans.setdefault(pid, []):
            self.spans[pid].append((start, end))
        return pid

    def within(self, start: int, end: int) -> list[str]:
        """Ids of the places named between ``start`` and ``end``."""
        return [pid for pid, spans in self.spans.items() if any(start <= a < end for a, _b in spans)]

    def use(self, draft: _Draft, pid: str) -> None:
        """Put the place in the draft with all its mentions."""
        draft.entity(pid, type="Place", label=self.labels[pid])
        for a, b in self.spans[pid]:
            draft.mention(pid, a, b)


_START = attrgetter("start")  # (a NameHit's start, for bisect and sort: faster than a lambda)
_OPENS_CLAUSE = re.compile(r"[,;:(]")
_CLOSES_CLAUSE = re.compile(r"[,;:)]")


@dataclass
class _Sentence:
    start: int
    end: int
    text: str
    background: bool
    quotes: list[tuple[int, int]]
    denied: int | None = None  # offset in ``text`` of a denial of presence ("was not part of"), if any
    body: int = 0  # offset in ``text`` where the sentence proper starts (after a dateline)
    anchor: str | None = None  # the last date named before the sentence ("the day before" counts from it)
    # Patterns are known by their ids here (hashing a compiled pattern costs microseconds: see
    # kg.textscan.KeywordGate). The patterns that cannot match ``text`` (none of their required
    # words is there) are not searched for:
    ruled_out: frozenset[int] = frozenset()
    # patterns searched for as their folded twins (kg.textscan.folded_twin) in ``folded``, which is
    # ``text`` folded, or in ``article_folded``, the whole article folded (empty: no twins)
    twins: Mapping[int, re.Pattern[str]] = field(default_factory=dict)
    folded: str = ""
    article_folded: str = ""

    matches: dict[int, re.Match[str] | None] = field(default_factory=dict)
    all_matches: dict[int, list[re.Match[str]]] = field(default_factory=dict)
    _negations: list[tuple[int, int]] | None = None
    _edges: tuple[list[int], list[int]] | None = None

    def may_match(self, pattern: re.Pattern[str]) -> bool:
        """False when the keyword gate ruled ``pattern`` out for this sentence."""
        return id(pattern) not in self.ruled_out

    def clause_edges(self) -> tuple[list[int], list[int]]:
        """Offsets in ``text`` of the characters that open a clause (",;:(") and close one (",;:)")."""
        if self._edges is None:
            self._edges = (
                [m.start() for m in _OPENS_CLAUSE.finditer(self.text)],
                [m.start() for m in _CLOSES_CLAUSE.finditer(self.text)],
            )
        return self._edges

    def negations(self) -> list[tuple[int, int]]:
        """Where NEGATION matches ``text`` (offsets in ``text``), found once per sentence."""
        if self._negations is None:
            twin = self.twins.get(id(NEGATION))
            found = NEGATION.finditer(self.text) if twin is None else twin.finditer(self.folded)
            self._negations = [m.span() for m in found]  # (a twin's spans are the pattern's)
        return self._negations

    def inside_quote(self, pos: int) -> bool:
        return any(a <= pos < b for a, b in self.quotes)

    def find(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        """``pattern.search(self.text)``, computed once per sentence (the stages ask the same questions)."""
        key = id(pattern)
        try:
            return self.matches[key]
        except KeyError:
            found = self.matches[key] = None if key in self.ruled_out else self.search(pattern, self.text, self.folded)
            return found

    def search(self, pattern: re.Pattern[str], text: str, folded: str) -> re.Match[str] | None:
        """``pattern.search(text)``, by its twin in ``folded`` (``fold(text)``) when it has one: the twin
        finds where the match starts, faster, and the pattern gives the match from there."""
        twin = self.twins.get(id(pattern))
        if twin is None:
            return pattern.search(text)
        at = twin.search(folded)
        return None if at is None else pattern.search(text, at.start())

    def finditer(self, pattern: re.Pattern[str], text: str) -> Sequence[re.Match[str]]:
        """``pattern.finditer(text, self.start, self.end)`` for the article's ``text``: the matches in the
        sentence, offsets in ``text``, found once per sentence."""
        key = id(pattern)
        if key in self.ruled_out:
            return ()
        try:
            return self.all_matches[key]
        except KeyError:
            pass
        twin = self.twins.get(key)
        if twin is None:
            found = list(pattern.finditer(text, self.start, self.end))
        else:  # the twin's matches have the pattern's spans: the pattern gives each match where the twin found it
            found = [
                m
                for at in twin.finditer(self.article_folded, self.start, self.end)
                if (m := pattern.match(text, at.start(), self.end))
            ]
        self.all_matches[key] = found
        return found


class _Clock:
    """Seconds per stage, added to a dict when one is given."""

    def __init__(self, timings: dict[str, float] | None) -> None:
        self.timings = timings
        self.last = time.perf_counter() if timings is not None else 0.0

    def lap(self, stage: str) -> None:
        if self.timings is not None:
            now = time.perf_counter()
            self.timings[stage] = self.timings.get(stage, 0.0) + now - self.last
            self.last = now


class Extractor:
    """Drafts annotations of articles against one registry and topic scheme (build once, reuse)."""

    def __init__(self, registry: Registry, topics: dict[str, list[str]], gate: bool = True) -> None:
        """``gate=False`` runs every pattern on every sentence, and none as its folded twin: the same
        drafts, slower (for tests)."""
        self.registry = registry
        self.gate = _GATE if gate else KeywordGate([])
        self.twins = _TWINS if gate else {}
        # "the bloc" also opens sentences: "The bloc", "The Commission"
        capitalised = {k[0].upper() + k[1:]: v for k, v in EXTRA_NAMES.items() if k.startswith("the ")}
        self.gazetteer = Gazetteer(registry, {**EXTRA_NAMES, **capitalised})
        self.demonym_ends = tuple(self.gazetteer.demonyms)
        # actors named by a demonym or short name before a title: "Tunisian", "Commission"
        self.named_before_titles = set(BODY_SHORT.values()) | set(self.gazetteer.demonyms.values())
        # capitalised words of the registry's names: a name holding one is not a person's
        self.registry_words = {
            word
            for actor in registry.actors.values()
            for phrase in (actor.label, actor.full_name or "", *actor.aliases, *actor.metonyms, *actor.demonyms)
            for word in re.findall(r"[\w'’-]+", phrase)
            if word[:1].isupper()
        }
        # a word -> its topic ids (a word may signal several topics), found by one Aho–Corasick
        # automaton in the folded text (see _topic_ids)
        self.topic_of: dict[str, set[str]] = {}
        for tid, words in sorted(topics.items()):
            for word in words:
                self.topic_of.setdefault(word.lower(), set()).add(tid)
        self.topic_automaton = ahocorasick.Automaton()
        for word in self.topic_of:
            self.topic_automaton.add_word(word, word)
        if self.topic_of:
            self.topic_automaton.make_automaton()
        self._topic_cache: dict[str, set[str]] = {}  # text -> topic ids (the same sentences are asked often)
        self._inner_names: dict[str, list[NameHit]] = {}  # a registry name -> the names inside it

    # -- entry point ---------------------------------------------------------------------------

    def extract(
        self,
        text: str,
        article_id: str = "draft",
        published: str | None = None,
        title: str | None = None,
        timings: dict[str, float] | None = None,
    ) -> Annotation:
        """A draft annotation of ``text``; ``published`` (YYYY-MM-DD) anchors relative dates.

        ``timings``, when given, accumulates seconds per stage (for bench/bench_extract.py).
        """
        clock = _Clock(timings)
        draft = _Draft(text)
        spans = split_sentences(text)
        year = int(published[:4]) if published else None
        sentences: list[_Sentence] = []
        # one character for one, so a sentence's span in it is the sentence folded (but for a capital
        # sigma, which lower() makes final or not by what follows: no gate word or twin holds one)
        folded = fold(text)
        for start, end in spans:
            body = text[start:end]
            quotes = [(q.start, q.end) for q in find_quotes(text, start, end)]
            folded_body = folded[start:end]
            sentence = _Sentence(
                start, end, body, False, quotes, ruled_out=self.gate.ruled_out(body, folded_body), twins=self.twins,
                folded=folded_body, article_folded=folded,
            )  # fmt: skip
            sentence.background = bool(sentence.find(BACKGROUND)) and not (
                year and str(year) in body and not re.search(r"\b(?:19|20)\d\d\b", body.replace(str(year), ""))
            )
            denial = sentence.find(NEGATED_PRESENCE)
            sentence.denied = denial.start() if denial else None
            dateline = DATELINE_RE.match(body) if len(sentences) < 3 else None
            if dateline:
                sentence.body = dateline.end()
                if published is None:  # the dateline's date is the article's
                    found = self._date(_Sentence(start, end, dateline.group("date"), False, []), None)
                    published = found[0] if found else None
                    year = int(published[:4]) if published else None
            sentences.append(sentence)
        if any(sentence.find(DAY_OFFSET) for sentence in sentences):
            last_date = None
            for sentence in sentences:  # what "the day before" counts from, in each sentence
                sentence.anchor = last_date
                found = self._date(sentence, published)
                last_date = found[0] if found else last_date
        clock.lap("sentences")
        hits = self.gazetteer.find(text)
        places = _Places()
        actor_hits: list[NameHit] = []
        for hit in hits:
            if GEOGRAPHIC_PREFIX.search(text, max(0, hit.start - 8), hit.start):
                continue  # "Lake Chad" is a lake, not the state
            if hit.kind == "metonym" and NAMED_AFTER_CITY.match(text, hit.end):
                continue  # "the Dublin rules", "the Rome Process": named after the city, not its government
            if hit.kind == "metonym":
                before = re.search(r"([A-Z][a-z]+)\s+$", text[max(0, hit.start - 20) : hit.start])
                if before and before.group(1) not in NOT_NAME_WORDS:
                    continue  # "Joseph Muscat" is a person, not Oman's capital
                if self.gazetteer.place_context(text, hit.start):
                    places.add(text[hit.start : hit.end], hit.start, hit.end)
                    continue
            actor_hits.append(hit)
            draft.entity(hit.actor, registry=hit.actor)
            draft.mention(hit.actor, hit.start, hit.end)
            # a name holding another actor's name: "the African Union mechanism for police cooperation"
            for inner in self._names_within(text[hit.start : hit.end]):
                if (
                    inner.actor != hit.actor
                    and inner.kind in ("name", "alias")
                    and inner.end - inner.start < hit.end - hit.start
                ):
                    a, b = hit.start + inner.start, hit.start + inner.end
                    draft.entity(inner.actor, registry=inner.actor)
                    draft.mention(inner.actor, a, b)
                    if self.registry.actors[inner.actor].type in (
                        "SupranationalUnion",
                        "IntergovernmentalOrganization",
                    ):
                        draft.relate(hit.actor, "partOf", inner.actor, (hit.start, hit.end), 0.6)
        clock.lap("actors")
        persons = self._persons(draft, sentences, actor_hits)
        self._pronouns(draft, sentences, actor_hits)
        clock.lap("persons")
        self._more_places(text, sentences, actor_hits, places)
        self._later_meetings(draft, sentences, places, published)
        meeting = self._meeting(draft, sentences, actor_hits, persons, places, published)
        clock.lap("meeting")
        aims = self._claims(draft, sentences, actor_hits, persons, meeting)
        clock.lap("claims")
        self._agreements(draft, sentences, actor_hits, persons, meeting, published)
        for s, (a, b) in aims:  # "she said the accord had three aims: ...": what the document is about
            document = self._document_of(draft, s)
            if document:
                self._topics(draft, document, draft.text[a:b], (a, b), 0.5)
        self._commitments(draft, sentences, actor_hits, meeting)
        self._settled_commitments(draft, sentences, actor_hits, persons)
        self._documents_dated_by_meeting(draft)
        clock.lap("agreements")
        self._cooperation(draft, sentences, actor_hits)
        self._funds(draft, sentences, actor_hits)
        clock.lap("cooperation")
        annotation = self._annotation(draft, spans, article_id, published, title)
        clock.lap("output")
        return annotation

    # -- helpers -------------------------------------------------------------------------------

    def _names_within(self, name: str) -> list[NameHit]:
        """``self.gazetteer.find(name)`` for a name the gazetteer found, computed once per name."""
        if name not in self._inner_names:
            self._inner_names[name] = self.gazetteer.find(name)
        return self._inner_names[name]

    @staticmethod
    def _sentence_of(sentences: list[_Sentence], pos: int) -> _Sentence | None:
        for s in sentences:
            if s.start <= pos < s.end:
                return s
        return None

    @staticmethod
    def _hits_in(hits: list[NameHit], start: int, end: int) -> list[NameHit]:
        """The hits lying within ``start``–``end`` (``hits`` are in text order)."""
        first = bisect.bisect_left(hits, start, key=_START)
        out = []
        for h in hits[first:]:
            if h.start >= end:
                break
            if h.end <= end:
                out.append(h)
        return out

    def _negated(self, sentence: _Sentence, hit_start: int, hit_end: int) -> bool:
        """The clause holding the mention denies it ("Libya did not attend", "without Libya")."""
        text = sentence.text
        rel_start, rel_end = hit_start - sentence.start, hit_end - sentence.start
        # the clause: after the last ",;:(" before the mention, up to the first ",;:)" after it
        if rel_start < 0 or rel_end < 0:  # (outside the sentence: str.find's negative offsets)
            left = max(text.rfind(c, 0, rel_start) for c in ",;:(") + 1
            right_candidates = [i for i in (text.find(c, rel_end) for c in ",;:)") if i != -1]
            right = min(right_candidates) if right_candidates else len(text)
        else:
            opening, closing = sentence.clause_edges()
            before = bisect.bisect_left(opening, rel_start)
            left = opening[before - 1] + 1 if before else 0
            after = bisect.bisect_left(closing, rel_end)
            right = closing[after] if after < len(closing) else len(text)
        # "but" starts a new clause: "X was invited but did not come" keeps the negation on X.
        # NEGATION.search(text[left:right]), from the sentence's matches: no match holds a clause's
        # edge (",;:()"), so a match of the sentence lies in the clause or outside it; they are in
        # text order, none overlapping, so the first starting in the clause ends first
        negations = sentence.negations()
        first = bisect.bisect_left(negations, (left, -1))
        if first < len(negations) and negations[first][1] <= right:
            return True
        # "Neighbouring Libya, the other ..., was not part of the talks": the subject is denied
        return bool(
            sentence.denied is not None
            and rel_end <= sentence.denied
            and not re.search(r"\b(?:while|whereas|but)\b", text[:rel_start])
        )

    # -- persons and posts ---------------------------------------------------------------------

    def _persons(self, draft: _Draft, sentences: list[_Sentence], hits: list[NameHit]) -> dict[str, str]:
        """Persons named with a title; returns person id -> the actor they represent."""
        text = draft.text
        represents: dict[str, str] = {}
        surnames: dict[str, str] = {}
        for sentence in sentences:
            in_sentence = self._hits_in(hits, sentence.start, sentence.end)
            for m in NAME_RE.finditer(text, sentence.start, sentence.end):
                name = m.group()
                words = name.split()
                # the name is what follows the last title word, demonym or actor name
                cut = max(
                    (i + 1 for i, w in enumerate(words) if w in NOT_NAME_WORDS or w in self.gazetteer.demonyms),
                    default=0,
                )
                words = words[cut:]
                if words and words[0].rstrip(".") in HONORIFICS:
                    words = words[1:]  # "Ms Meloni" is Meloni
                if len(words) < 2:
                    continue
                name = " ".join(words)
                start = m.end() - len(name)
                # drop leading words that name an actor: "Italy Luciana Lamorgese" -> "Luciana Lamorgese"
                for h in in_sentence:
                    if h.start <= start < h.end <= m.end():
                        name = text[h.end : m.end()].strip()
                        start = m.end() - len(name)
                if len(name.split()) < 2 or any(h.start < m.end() and start < h.end for h in in_sentence):
                    continue
                found = self._title_before(draft, sentence, start, m.end(), hits) or self._title_after(
                    draft, sentence, m.end(), hits
                )
                if not found:
                    # a title naming no state that the text does not fix ("Prime Minister NAME"): the
                    # person, without a post or whom they represent (a post needs its state)
                    if self._untitled_person(text, name, start, m.end(), sentence) or BARE_TITLE.search(
                        text, max(sentence.start, start - 40), start
                    ):
                        pid = slug(name)
                        draft.entity(pid, type="Person", label=name)
                        draft.mention(pid, start, start + len(name))
                        surnames.setdefault(self._surname(name), pid)
                    continue
                actor, post_slug, post_label, title_span = found
                if post_slug.startswith("commissioner") and actor in COMMISSION_OF:
                    # "EU Home Affairs Commissioner": commissioners sit in the Commission, not the union
                    owner = self.registry.actors[actor].label
                    actor = COMMISSION_OF[actor]
                    post_label = post_label.replace(owner, self.registry.actors[actor].label)
                if not draft.entity(actor, registry=actor).mentions:
                    # the title names the body, as a ministry is named by its minister's title
                    # ("Home Affairs Commissioner": the Commission; "Home Secretary": the United Kingdom)
                    draft.mention(actor, *title_span)
                pid = slug(name)
                draft.entity(pid, type="Person", label=name)
                draft.mention(pid, start, start + len(name))
                post_id = f"{actor}-{post_slug}"
                draft.entity(post_id, type="Post", label=post_label)
                draft.mention(post_id, *title_span)
                evidence = (min(title_span[0], start), max(title_span[1], start + len(name)))
                draft.relate(pid, "holdsPost", post_id, evidence, 0.9)
                draft.relate(pid, "represents", actor, evidence, 0.9)
                # every post is in an organisation: the ministry when the registry has it, else the actor
                ministry = MINISTRY_POSTS.get(post_slug, "").format(actor=actor)
                if post_slug.startswith("minister-") and re.search(r"interior|home-affairs", post_slug):
                    ministry = f"{actor}-interior-ministry"  # "minister for home affairs and national security"
                if ministry in self.registry.actors:
                    draft.entity(ministry, registry=ministry)
                    draft.mention(ministry, *title_span)
                    draft.relate(post_id, "postIn", ministry, title_span, 0.8)
                else:
                    draft.relate(post_id, "postIn", actor, title_span, 0.7)
                represents.setdefault(pid, actor)
                surname = self._surname(name)
                surnames.setdefault(surname, pid)
        # later mentions by surname (or the full name without a title)
        for surname, pid in surnames.items():
            for a, b in _surname_spans(text, surname):
                draft.mention(pid, a, b)
        return represents

    def _untitled_person(self, text: str, name: str, start: int, end: int, sentence: _Sentence) -> bool:
        """A name without a title is a person's when it is two to four capitalised words, none of them
        a word of a registry name or a word of places and organisations ("Islands", "Police",
        "Watch"), not after "the", and it goes on with a speech verb ("Matteo Villa said") or an
        apposition ("Matteo Villa, a researcher at …, said")."""
        words = name.split()
        if not 2 <= len(words) <= 4 or re.search(r"\b[Tt]he\s+$", text[max(sentence.start, start - 5) : start]):
            return False
        if any(w in self.registry_words or w in NOT_PERSON_WORDS or w.upper() == w for w in words):
            return False
        return bool(UNTITLED_NAME_FOLLOWED.match(text, end, sentence.end))

    def _pronouns(self, draft: _Draft, sentences: list[_Sentence], hits: list[NameHit]) -> None:
        """Pronouns whose antecedent is clear become mentions of it: "he", "she" or "him" the one person
        named in the same or the sentence before (passing over one the text calls "Mr" for "she",
        "Ms" or "Mrs" for "he"; with two left, no guess); "it" or "they" as a subject the one registry actor of the
        sentence before, when no person, document or meeting there could be meant too. Anything else
        is left alone (no guess)."""
        text = draft.text
        person_mentions = sorted(
            (a, eid) for eid, ent in draft.entities.items() if ent.type == "Person" for a, _b in ent.mentions
        )
        person_starts = [a for a, _eid in person_mentions]
        gender: dict[str, str] = {}
        if ("Mr" in text or "Ms" in text) and HONORIFIC.search(text):
            for eid in {eid for _a, eid in person_mentions}:
                surname = re.escape(self._surname(draft.entities[eid].label or eid))
                for title in re.finditer(rf"\b(?P<t>Mr|Ms|Mrs)\.?\s+{surname}\b", text):
                    gender[eid] = "he" if title.group("t") == "Mr" else "she"
        sentence_starts = [s.start for s in sentences]
        for m in PRONOUN.finditer(text):
            index = bisect.bisect_right(sentence_starts, m.start()) - 1
            s = sentences[index] if index >= 0 else None
            if s is None or m.start() >= s.end or s.inside_quote(m.start()):
                continue
            previous = sentences[index - 1] if index else None
            if m.group("person"):
                said = "she" if fold(m.group("person")) == "she" else "he"
                lo = bisect.bisect_left(person_starts, previous.start if previous else s.start)
                hi = bisect.bisect_left(person_starts, m.start())
                found = {eid for _a, eid in person_mentions[lo:hi] if gender.get(eid, said) == said}
                if len(found) == 1:  # two persons it could be: no guess
                    draft.mention(found.pop(), m.start(), m.end())
                continue
            if previous is None or not SUBJECT_PLACE.fullmatch(text, s.start + s.body, m.start()):
                continue  # only a subject: at the start of the sentence or of a clause
            if fold(m.group("thing")) == "it" and EXPLETIVE.match(text, m.end()):
                continue  # "it was agreed", "it is important"
            actors = {h.actor for h in self._hits_in(hits, previous.start, previous.end)}
            named_persons = bisect.bisect_left(person_starts, previous.end) - bisect.bisect_left(
                person_starts, previous.start
            )
            if len(actors) != 1 or named_persons:
                continue
            actor = next(iter(actors))
            if self.registry.actors[actor].type == "Place" or (
                fold(m.group("thing")) == "it" and (previous.find(MEETING_NOUNS) or self._names_document(previous))
            ):
                continue
            draft.mention(actor, m.start(), m.end())
            bisect.insort(hits, NameHit(m.start(), m.end(), actor, "pronoun"), key=_START)

    @staticmethod
    def _names_document(s: _Sentence) -> bool:
        """The sentence names an agreement or document ("it" could be that)."""
        return any(s.find(pattern) for pattern, _cls, _base in AGREEMENT_NOUNS) or bool(s.find(GENERIC_AGREEMENT))

    @staticmethod
    def _surname(name: str) -> str:
        words = name.split()
        for i, word in enumerate(words[1:], 1):
            if re.fullmatch(_PARTICLE, word) or re.fullmatch(
                _PARTICLE, word + " " + (words[i + 1] if i + 1 < len(words) else "")
            ):
                return " ".join(words[i:])
        return words[-1]

    def _actor_near(self, hits: list[NameHit], start: int, end: int) -> NameHit | None:
        inside = [
            h for h in hits if start <= h.start and h.end <= end and self.registry.actors[h.actor].type != "Agency"
        ]
        return inside[-1] if inside else (next((h for h in hits if start <= h.start and h.end <= end), None))

    def _title_before(
        self, draft: _Draft, sentence: _Sentence, name_start: int, name_end: int, hits: list[NameHit]
    ) -> tuple[str, str, str, tuple[int, int]] | None:
        text = draft.text
        window_start = max(sentence.start, name_start - 90)
        prefix = text[window_start:name_start]
        folded_prefix = sentence.folded[window_start - sentence.start : name_start - sentence.start]
        m = None if not sentence.may_match(TITLE_BEFORE) else sentence.search(TITLE_BEFORE, prefix, folded_prefix)
        if not m:
            return self._counterpart(draft, sentence, prefix, window_start)
        post_start, post_end = window_start + m.start("post"), window_start + m.end("post")
        slug_label = POSTS[fold(m.group("post"))]
        actor: str | None = None
        title_start = post_start
        title_end = post_end
        if m.group("of"):
            near = self._actor_near(hits, window_start + m.start("of"), window_start + m.end("of"))
            if near:
                actor, title_end = near.actor, near.end
        if actor is None:
            before_start = max(sentence.start, post_start - 40)
            before = text[before_start:post_start]
            folded_before = sentence.folded[before_start - sentence.start : post_start - sentence.start]
            adjective = sentence.search(TITLE_ADJECTIVE, before, folded_before)
            if adjective:  # "Italy's new interior minister"
                post_start -= len(before) - adjective.start()
                before = before[: adjective.start()]
            # "European Commissioner NAME": a body's name that holds the title itself
            for hit in hits:
                if hit.start <= post_start < hit.end:
                    actor, title_start = hit.actor, hit.start
                    title_end = max(title_end, hit.end)
            # "Italy's prime minister", "Italian prime minister", "Commission President"
            for hit in reversed(hits if actor is None else []):
                if (
                    hit.end <= post_start
                    and post_start - hit.end <= 3
                    and re.fullmatch(r"(?:['’]s)?\s*", text[hit.end : post_start])
                ):
                    actor, title_start = hit.actor, hit.start
                    break
            # (the last demonym must end the words before the title: when none does, no search)
            if actor is None and self.gazetteer.demonym_re and before.rstrip().endswith(self.demonym_ends):
                found_demonyms = list(self.gazetteer.demonym_re.finditer(before))
                dm = found_demonyms[-1] if found_demonyms else None
                if dm and before[dm.end() :].strip() == "":
                    actor = self.gazetteer.demonyms[dm.group(1)]
                    title_start = post_start - len(before) + dm.start()
            if actor is None:
                for short, body in BODY_SHORT.items():
                    if before.rstrip().endswith(short):
                        actor, title_start = body, post_start - len(before) + before.rstrip().rfind(short)
            if actor is None:
                for body, (owner, body_slug, body_label) in SUB_BODIES.items():
                    if before.rstrip().endswith(body):
                        actor, title_start = owner, post_start - len(before) + before.rstrip().rfind(body)
                        slug_label = (f"{body_slug}-{slug_label[0]}", slug_label[1].replace("{of}", body_label))
            if actor is None and re.search(r"\b[Ii]ts\s*$", before):
                # "its interior minister", "Its chairperson": the last actor named before
                owners = [h for h in hits if h.end <= post_start and self.registry.actors[h.actor].type != "Place"]
                opening = [h for h in owners if h.start == sentence.start + sentence.body]
                if opening and re.search(r"\b(?:was|were) represented by\s+its\s*$", text[sentence.start : post_start]):
                    # "Finland, which holds the presidency of the Council, was represented by its minister"
                    actor = opening[0].actor
                elif owners:
                    actor = owners[-1].actor
            if actor is None:
                actor = self._bare_title_actor(draft, sentence, fold(m.group("post")), post_start, name_end, hits)
        if actor is None or actor not in self.registry.actors:
            return None
        if title_start < post_start and (
            actor in self.named_before_titles or any(h.start == title_start and h.actor == actor for h in hits)
        ):
            # the demonym or short name before the title ("Tunisian", "Commission") names the actor
            draft.entity(actor, registry=actor)
            named = text[title_start:post_start].rstrip().removesuffix("'s").removesuffix("’s")
            draft.mention(actor, title_start, title_start + len(named))
        # "the interior minister of Italy" — keep the article with the title
        lead = text[max(sentence.start, title_start - 4) : title_start]
        if lead.lower() in ("the ", "tthe "[1:]):
            title_start -= 4
        label = slug_label[1].format(of=self.registry.actors[actor].label)
        return actor, slug_label[0], label, (title_start, title_end)

    def _bare_title_actor(
        self, draft: _Draft, sentence: _Sentence, post: str, post_start: int, name_end: int, hits: list[NameHit]
    ) -> str | None:
        """Whom "Prime Minister NAME" serves when the title names no one: "NAME of X", the body such
        titles belong to, the state of a titled person named earlier in the sentence, or "X was
        represented by"."""
        text = draft.text
        after = re.match(r"\s+of\s+(?:the\s+)?", text[name_end : name_end + 12])
        if after:
            nxt = next((h for h in hits if h.start == name_end + after.end()), None)
            if nxt:
                return nxt.actor
        if post in DEFAULT_BODY:
            return DEFAULT_BODY[post]
        represented = re.search(r"\b(?:was|were) represented by\b", text[sentence.start : post_start])
        if represented:
            owners = [h for h in hits if sentence.start <= h.end <= sentence.start + represented.start()]
            if owners:
                return owners[-1].actor
        earlier = [
            r
            for r in draft.relations.values()
            if r.predicate == "represents" and sentence.start <= r.evidence[0].start < post_start
        ]
        if earlier and self.registry.actors[earlier[-1].object].type == "State":
            return earlier[-1].object
        # the government or lawmakers of a state named last before the title in the sentence, by
        # name or demonym ("the British government", "British lawmakers")
        governments = [
            (h.start, h.actor)
            for h in self._hits_in(hits, sentence.start, post_start)
            if GOVERNMENT_AFTER.match(text, h.end) or GOVERNMENT_END.search(text, h.start, h.end)
        ]
        if self.gazetteer.demonym_re:
            governments += [
                (sentence.start + dm.start(), self.gazetteer.demonyms[dm.group(1)])
                for dm in self.gazetteer.demonym_re.finditer(text[sentence.start : post_start])
                if GOVERNMENT_AFTER.match(text, sentence.start + dm.end())
            ]
        states = [actor for _at, actor in sorted(governments) if self.registry.actors[actor].type == "State"]
        return states[-1] if states else None

    def _counterpart(
        self, draft: _Draft, sentence: _Sentence, prefix: str, window_start: int
    ) -> tuple[str, str, str, tuple[int, int]] | None:
        """ "his French counterpart, NAME": the post of the person named before, for another state."""
        m = None if not sentence.may_match(COUNTERPART) else COUNTERPART.search(prefix)
        if not m or m.group("dem") not in self.gazetteer.demonyms:
            return None
        actor = self.gazetteer.demonyms[m.group("dem")]
        start = window_start + m.start()
        earlier = [
            r for r in draft.relations.values() if r.predicate == "holdsPost" and r.evidence[0].start >= sentence.start
        ]
        if not earlier:
            return None
        post_id = earlier[-1].object
        for slug_, label in POSTS.values():
            if post_id.endswith("-" + slug_):
                dem_start = window_start + m.start("dem")
                draft.entity(actor, registry=actor)
                draft.mention(actor, dem_start, dem_start + len(m.group("dem")))
                return actor, slug_, label.format(of=self.registry.actors[actor].label), (start, window_start + m.end())
        return None

    def _title_after(
        self, draft: _Draft, sentence: _Sentence, name_end: int, hits: list[NameHit]
    ) -> tuple[str, str, str, tuple[int, int]] | None:
        text = draft.text
        suffix = text[name_end : min(sentence.end, name_end + 90)]
        m = None if not sentence.may_match(TITLE_AFTER) else TITLE_AFTER.match(suffix)
        if not m:
            return None
        post = fold(m.group("post"))
        slug_label = POSTS[post]
        start = name_end + m.start() + 2
        end = name_end + m.end("post")
        near = None
        actor: str | None = None
        if m.group("of"):
            near = self._actor_near(hits, name_end + m.start("of"), name_end + m.end("of"))
            for body, (owner, body_slug, body_label) in SUB_BODIES.items():
                if near is None and re.match(rf"(?:the\s+)?{body}\b", m.group("of")):
                    actor, end = owner, name_end + m.start("of") + m.group("of").index(body) + len(body)
                    slug_label = (f"{body_slug}-{slug_label[0]}", slug_label[1].replace("{of}", body_label))
        portfolio = near is None and actor is None  # "for home affairs": no body after the title
        if near is None and actor is None and m.group("pre") is not None:
            near = self._actor_near(hits, name_end + m.start("pre"), name_end + m.end("pre"))
        if near is not None:
            actor, end = near.actor, max(end, near.end)
        if post in PORTFOLIO_HEADS and portfolio:
            # "the commissioner for migration, home affairs and citizenship"
            pm = PORTFOLIO_RE.match(text, name_end + m.end("post"), sentence.end)
            if pm:
                end = pm.end()
                phrase = fold(re.sub(r"\s+", " ", text[name_end + m.start("post") : end]))
                words = [w if w in ("for", "of", "and", "the") else w.capitalize() for w in phrase.split(" ")]
                slug_label = (slug(phrase), " ".join(words) + " of {of}")
        if actor is None and m.group("pre") and self.gazetteer.demonym_re:
            dm = self.gazetteer.demonym_re.search(m.group("pre"))
            if dm:
                actor = self.gazetteer.demonyms[dm.group(1)]
        if actor is None:
            actor = DEFAULT_BODY.get(post)
        if actor is None:
            return None
        label = slug_label[1].format(of=self.registry.actors[actor].label)
        return actor, slug_label[0], label, (start, end)

    # -- the meeting ---------------------------------------------------------------------------

    def _more_places(self, text: str, sentences: list[_Sentence], hits: list[NameHit], places: _Places) -> None:
        """Places beyond the registry's capitals: "the Belgian capital", "in Birgu", the dateline city."""
        for s in sentences:
            for m in () if not s.may_match(CAPITAL_OF) else CAPITAL_OF.finditer(s.text):
                actor = self.registry.actors.get(self.gazetteer.demonyms.get(m.group("dem"), ""))
                if actor is not None and actor.metonyms:
                    places.add(actor.metonyms[0], s.start + m.start(), s.start + m.end())
            if not (s.find(MEETING_NOUNS) or s.find(HELD)):
                continue
            for m in re.finditer(r"\bin (?P<p>[A-Z][^\W\d_]+(?:[ -][A-Z][^\W\d_]+)?)\b(?![ -]?[A-Z])", s.text):
                a, b = s.start + m.start("p"), s.start + m.end("p")
                name = m.group("p")
                if (
                    any(h.start < b and a < h.end for h in hits)
                    or set(name.split()) & NOT_NAME_WORDS
                    or name in self.gazetteer.demonyms
                    or name.split()[-1] in REGIONS
                    or s.inside_quote(a)
                ):
                    continue
                places.add(name, a, b)
        for s in sentences[:3]:
            dateline = DATELINE_RE.match(s.text) if s.body else None
            if dateline:
                city = dateline.group("city").title()
                if slug(city) in places.spans:
                    places.add(city, s.start + dateline.start("city"), s.start + dateline.end("city"))

    def _later_meetings(
        self, draft: _Draft, sentences: list[_Sentence], places: _Places, published: str | None
    ) -> None:
        """Meetings announced for later ("due to discuss migration at an informal summit in Valletta"):
        their own entity with place, date and topics; the sentence then says nothing about the
        article's meeting, so it is set aside as background."""
        number = 1
        for s in sentences:
            if s.background:
                continue
            m = s.find(OTHER_MEETING)
            if not m or not FUTURE.search(s.text[: m.start()]) or s.inside_quote(s.start + m.start()):
                continue
            number += 1
            mid = f"meeting-{number}"
            a, b = s.start + m.start("phrase"), s.start + m.end("phrase")
            draft.entity(mid, type="Meeting", label=re.sub(r"^(?:a|an)\s+", "", m.group("phrase")))
            draft.mention(mid, a, b)
            for pid in places.within(b, s.end):
                places.use(draft, pid)
                draft.relate(mid, "locatedIn", pid, (s.start, s.end), 0.6)
            # its date is after the phrase ("at a summit on Friday"), or it is "a day before" it
            tail = _Sentence(s.start, s.end, s.text, False, [], body=b - s.start, anchor=s.anchor)
            when = self._date(tail, published) or self._date_of_other(s, m.start("phrase"), published)
            if when:
                draft.relate(mid, "date", when[0], when[1], 0.6, object_is_literal=True, datatype="date")
            else:  # "at a summit in Brussels next month", in the clause of the phrase
                period = self._period(tail, published, ())
                if period and not re.search(r"[,;:]", draft.text[b : period[2][0]]):
                    draft.period(mid, period, 0.6)
            self._topics(draft, mid, s.text, (s.start, s.end), 0.4)
            s.background = True

    def _meeting(
        self,
        draft: _Draft,
        sentences: list[_Sentence],
        hits: list[NameHit],
        persons: dict[str, str],
        places: _Places,
        published: str | None,
    ) -> str | None:
        text = draft.text
        meeting_sentences = [
            s for s in sentences if not s.background and (s.find(MEETING_NOUNS) or s.find(PARTICIPATION))
        ]
        if not meeting_sentences:
            return None
        mid = "meeting"
        draft.entity(mid, type="Meeting", label="meeting")
        for s in sentences:
            if s.background:
                continue
            for m in s.finditer(MEETING_HEAD, text):
                if not s.inside_quote(m.start()):
                    draft.mention(mid, m.start(), m.end())
        if not draft.entities[mid].mentions:
            first = meeting_sentences[0]
            cue = first.find(PARTICIPATION) or first.find(MEETING_NOUNS)
            assert cue is not None
            draft.mention(mid, first.start + cue.start(), first.start + cue.end())
        for s in meeting_sentences:
            if not s.find(PARTICIPATION) or s.find(COMMITMENT) or s.find(CRITIC_VERBS):
                continue
            attributed = self._speaker(draft, s, hits)
            for hit in self._hits_in(hits, s.start, s.end):
                actor = self.registry.actors[hit.actor]
                if s.inside_quote(hit.start) or self._negated(s, hit.start, hit.end) or hit.actor == attributed:
                    continue
                if self._after_cooperation(s, hit.start):
                    continue
                if PRESIDENCY_OF.search(text[max(0, hit.start - 30) : hit.start]):
                    continue  # "the presidency of the Council of the EU": the Council is not there
                draft.relate(
                    hit.actor,
                    "participatedIn",
                    mid,
                    (s.start, s.end),
                    0.8 if actor.type == "State" else 0.6,
                    stated_by=attributed,
                )
            for pid, actor_id in persons.items():
                for ms, me in draft.entities[pid].mentions:
                    if s.start <= ms < s.end and not self._negated(s, ms, me):
                        role = draft.post_of(pid)
                        draft.relate(pid, "participatedIn", mid, (s.start, s.end), 0.7, role=role)
                        draft.relate(actor_id, "participatedIn", mid, (s.start, s.end), 0.6)
        for index, s in enumerate(sentences):
            if s.background:
                continue
            if index == 0 or (s.find(PARTICIPATION) and not s.find(COMMITMENT)):
                self._topics(draft, mid, s.text, (s.start, s.end), 0.5)
            self._organiser_and_host(draft, s, hits, persons, mid)
            received = self._reception(draft, s, hits, mid)
            self._meeting_place_and_date(draft, s, mid, places, published, received)
        if mid not in draft.periods and not any(
            r.subject == mid and r.predicate == "date" for r in draft.relations.values()
        ):
            # news leads with the event: the first dated sentence of the lead (or one that gives a
            # period in a clause about a meeting or an agreement)
            for s in sentences[1:3]:
                if s.background:
                    continue
                when = self._date(s, published)
                if when:
                    draft.relate(mid, "date", when[0], when[1], 0.5, object_is_literal=True, datatype="date")
                    break
                period = self._period(s, published, MEETING_CUES + AGREEMENT_CUES)
                if period:
                    draft.period(mid, period, 0.5)
                    break
        return mid

    def _after_cooperation(self, sentence: _Sentence, pos: int) -> bool:
        m = sentence.find(COOPERATION)
        return bool(m and sentence.start + m.start() < pos)

    def _organiser_and_host(
        self, draft: _Draft, s: _Sentence, hits: list[NameHit], persons: dict[str, str], mid: str
    ) -> None:
        text = draft.text
        for pattern, predicate in ((ORGANISED, "organized"), (HOSTED, "hosted")):
            for m in s.finditer(pattern, text):
                if WILL_DO.search(text, s.start, m.start()):
                    continue  # "Rome would host a conference": an undertaking (a Commitment), not this meeting's host
                # "convened by X" / "X convened" / "X as the host(ess)"
                after = [
                    h
                    for h in self._hits_in(hits, m.end(), s.end)
                    if text[m.end() : h.start].strip().lower() in ("", "the", "by", "by the", "of", "of the")
                ]
                candidates: list[tuple[str, int, int]] = [(h.actor, h.start, h.end) for h in after]
                if not candidates:
                    for pid in persons:
                        for ms, me in draft.entities[pid].mentions:
                            if s.start <= ms and me <= m.start() and m.start() - me < 40:
                                candidates.append((pid, ms, me))
                    if not candidates:
                        before = [h for h in self._hits_in(hits, s.start, m.start()) if m.start() - h.end < 25]
                        candidates = [(h.actor, h.start, h.end) for h in before[-1:]]
                for who, _a, b in candidates:
                    evidence = (s.start, max(b, m.end()))
                    role = draft.post_of(who) if predicate == "hosted" else None
                    draft.relate(who, predicate, mid, evidence, 0.75, role=role)
                    if predicate == "hosted":
                        draft.relate(who, "participatedIn", mid, evidence, 0.7, role=role)

    def _reception(self, draft: _Draft, s: _Sentence, hits: list[NameHit], mid: str) -> bool:
        """ "X received Y", "X welcomed the delegations": X hosted the meeting and took part in it, Y took
        part (True when so). Y must be a person, an actor or guests ("him", "the delegations");
        "received 100 million euros" or "welcomed the decision" host nothing."""
        text = draft.text
        m = s.find(RECEIVED)
        if not m or s.inside_quote(s.start + m.start()) or s.find(HOSTED):
            return False  # (a host the sentence names outright is the host, not whoever welcomed guests)
        verb_start, verb_end = s.start + m.start(), s.start + m.end()
        persons = [
            (a, b, eid)
            for eid, ent in sorted((eid, ent) for eid, ent in draft.entities.items() if ent.type == "Person")
            for a, b in ent.mentions
            if s.start <= a < s.end
        ]
        # the guest: right after the verb, past a title at most ("received Tunisian President Kais Saied")
        guests = [eid for a, _b, eid in persons if verb_end <= a and GUEST_LEAD.fullmatch(text, verb_end, a)]
        guests += [
            h.actor for h in self._hits_in(hits, verb_end, s.end) if GUEST_LEAD.fullmatch(text, verb_end, h.start)
        ]
        if not guests and not GUESTS.match(text, verb_end):
            return False
        # the host: the person, else the actor, named last before the verb in its clause
        clause = s.start + max([s.body] + [s.text.rfind(c, 0, m.start()) + 1 for c in ";:"])
        before = [(b, eid) for a, b, eid in persons if clause <= a and b <= verb_start]
        before += [
            (h.end, h.actor) for h in self._hits_in(hits, clause, verb_start) if not POSSESSIVE.match(text, h.end)
        ]
        if not before:
            return False
        end, host = max(before)
        if self._negated(s, verb_start, verb_end) or verb_start - end > 60:
            return False
        role = draft.post_of(host)
        evidence = (s.start, s.end)
        draft.relate(host, "hosted", mid, evidence, 0.7, role=role)
        draft.relate(host, "participatedIn", mid, evidence, 0.7, role=role)
        for guest in guests[:1]:
            draft.relate(guest, "participatedIn", mid, evidence, 0.7, role=draft.post_of(guest))
        return True

    def _meeting_place_and_date(
        self, draft: _Draft, s: _Sentence, mid: str, places: _Places, published: str | None, received: bool = False
    ) -> None:
        if not (received or s.find(MEETING_NOUNS) or s.find(TOOK_PLACE)):
            return
        online = s.find(ONLINE)
        if online and not s.inside_quote(s.start + online.start()):
            oid = "videoconference"
            draft.entity(oid, type="OnlinePlace", label="videoconference")
            draft.mention(oid, s.start + online.start(), s.start + online.end())
            draft.relate(mid, "locatedIn", oid, (s.start, s.end), 0.8)
            frm = re.search(
                r"\bfrom\s+(?P<place>(?:the\s+)?(?:[A-Z][\w-]+\s+(?:of\s+)?)*[A-Z][\w-]+)", s.text[online.end() :]
            )
            if frm:
                name = frm.group("place")
                pid = slug(re.sub(r"^the\s+", "", name))
                a = s.start + online.end() + frm.start("place")
                draft.entity(pid, type="Place", label=re.sub(r"^the\s+", "", name))
                draft.mention(pid, a, a + len(name))
                draft.relate(mid, "heldFrom", pid, (s.start, s.end), 0.7)
        for pid in places.within(s.start + s.body, s.end):
            places.use(draft, pid)
            draft.relate(mid, "locatedIn", pid, (s.start, s.end), 0.7)
        when = self._date(s, published)
        if when:
            draft.relate(mid, "date", when[0], when[1], 0.7, object_is_literal=True, datatype="date")
            return
        period = self._period(s, published, MEETING_CUES)
        if period:
            draft.period(mid, period, 0.7)

    @staticmethod
    def _date(s: _Sentence, published: str | None) -> tuple[str, tuple[int, int]] | None:
        """The date a sentence gives: a calendar date, a weekday ("on Sunday" is the last one before
        the article's date, "will meet on Tuesday" the next, "on Tuesday last week" that week's),
        yesterday, today or tomorrow, or a day counted from the last date named before ("the day
        before"). A week or a month ("last week", "earlier this month") is no day: see ``_period``."""
        pub = dt.date.fromisoformat(published) if published else None
        m = None if not s.may_match(DATE_RE) else DATE_RE.search(s.text, s.body)
        if not m:
            rel = None if not s.may_match(RELATIVE_DAYS) else RELATIVE_DAYS.search(s.text, s.body)
            if rel and pub and not s.inside_quote(s.start + rel.start()):
                shift = {"yesterday": -1, "today": 0, "tomorrow": 1}[fold(rel.group("rel"))]
                return (pub + dt.timedelta(days=shift)).isoformat(), (s.start + rel.start(), s.start + rel.end())
            off = None if not s.may_match(DAY_OFFSET) else DAY_OFFSET.search(s.text, s.body)
            anchor = dt.date.fromisoformat(s.anchor) if s.anchor else pub
            if off and anchor and not off.group("conj") and not s.inside_quote(s.start + off.start()):
                return (anchor + dt.timedelta(days=_day_shift(off))).isoformat(), (
                    s.start + off.start(),
                    s.start + off.end(),
                )
            return None
        span = (s.start + m.start(), s.start + m.end())
        if m.group("wd"):
            if not pub:
                return None
            day = WEEKDAYS.index(fold(m.group("wd")))
            which = fold(m.group("wq"))
            week = WEEK_AFTER_DAY.match(s.text, m.end()) if which == "on" else None
            if week:  # "on Tuesday last week": that day of the week named
                monday = pub - dt.timedelta(days=pub.weekday())
                monday += dt.timedelta(days={"last": -7, "this": 0, "next": 7}[fold(week.group("rel"))])
                return (monday + dt.timedelta(days=day)).isoformat(), (span[0], s.start + week.end())
            clause = re.split(r"[,;:]", s.text[: m.start()])[-1]
            if which in ("next", "coming"):
                return (pub + dt.timedelta(days=(day - pub.weekday()) % 7 or 7)).isoformat(), span
            if which != "last" and FUTURE_TENSE.search(clause):  # the article's own weekday is today
                return (pub + dt.timedelta(days=(day - pub.weekday()) % 7)).isoformat(), span
            back = (pub.weekday() - day) % 7 or (7 if which == "last" else 0)
            return (pub - dt.timedelta(days=back)).isoformat(), span
        day = int(m.group("d1") or m.group("d2"))
        month = MONTHS[fold(m.group("m1") or m.group("m2"))]
        year_text = m.group("y1") or m.group("y2")
        year = int(year_text) if year_text else (pub.year if pub else None)
        if year is None:
            return None
        try:
            return dt.date(year, month, day).isoformat(), span
        except ValueError:
            return None

    def _date_of_other(self, s: _Sentence, before: int, published: str | None) -> tuple[str, tuple[int, int]] | None:
        """ "signed it on Thursday, a day before EU leaders were due to meet": the date of the event
        after "a day before" (which ends before ``before``), counted from the date named ahead of it."""
        off = None if not s.may_match(DAY_OFFSET) else DAY_OFFSET.search(s.text, s.body, before)
        if not off or not off.group("conj"):
            return None
        ahead = _Sentence(s.start, s.start + off.start(), s.text[: off.start()], False, [], body=s.body)
        known = self._date(ahead, published)
        anchor = known[0] if known else (s.anchor or published)
        if anchor is None:
            return None
        when = dt.date.fromisoformat(anchor) - dt.timedelta(days=_day_shift(off))
        return when.isoformat(), (s.start + off.start(), s.start + off.start() + len(off.group().rstrip()))

    @staticmethod
    def _period(
        s: _Sentence, published: str | None, cues: tuple[re.Pattern[str], ...]
    ) -> tuple[str, str, tuple[int, int]] | None:
        """The week or month a sentence puts an event in, relative to ``published`` ("last week",
        "earlier this month", "will meet later this week"): its first and last day and the phrase's
        span. Only a phrase outside quotations, not a limit ("by next week") or another time ("after
        last week's talks"), in a clause (between commas) that names one of ``cues``: in "said the
        treaty met the concerns of the court, which ruled last month" the month is the ruling's."""
        if published is None or not (s.may_match(PERIOD) or s.may_match(NAMED_MONTH)):
            return None
        found = [] if not s.may_match(PERIOD) else list(PERIOD.finditer(s.text, s.body))
        if s.may_match(NAMED_MONTH):
            found = sorted([*found, *NAMED_MONTH.finditer(s.text, s.body)], key=lambda m: m.start())
        pub = dt.date.fromisoformat(published)
        for m in found:
            if s.inside_quote(s.start + m.start()) or NOT_A_PERIOD.search(s.text, 0, m.start()):
                continue
            start = max([s.body] + [s.text.rfind(c, 0, m.start()) + 1 for c in ",;:"])
            ends = [i for c in ",;:" if (i := s.text.find(c, m.end())) >= 0]
            clause = s.text[start : min(ends, default=len(s.text))]
            if cues and not any(cue.search(clause) for cue in cues):
                continue
            future = bool(FUTURE_TENSE.search(clause))
            if m.re is NAMED_MONTH:
                year = m.group("year")
                days = month_days(MONTHS[fold(m.group("month"))], int(year) if year else None, pub, future)
            else:
                days = period_days(re.sub(r"\s+", " ", fold(m.group("rel"))), fold(m.group("unit")), pub, future)
            if days:
                return days[0].isoformat(), days[1].isoformat(), (s.start + m.start(), s.start + m.end())
        return None

    # -- who said it ---------------------------------------------------------------------------

    def _speaker(self, draft: _Draft, s: _Sentence, hits: list[NameHit]) -> str | None:
        """The actor or person a sentence attributes itself to: "..., said X", "X said"."""
        before = s.find(SPEAKER_VERB)
        if before:
            cut = s.start + before.start()
            lead = s.text[: before.start()]
            if not re.search(r"[\"“”]", lead):
                for eid, ent in sorted((eid, ent) for eid, ent in draft.entities.items() if ent.type == "Person"):
                    if any(
                        s.start <= a and b <= cut and (cut - b < 30 or APPOSITION.fullmatch(draft.text, b, cut))
                        for a, b in ent.mentions
                    ):
                        return eid
                near = [h for h in self._hits_in(hits, s.start, cut) if cut - h.end < 30]
                if near:
                    return near[-1].actor
        m = s.find(SAID_BY)
        if m:
            start = s.start + m.start("rest")
            for hit in self._hits_in(hits, start, s.end):
                return hit.actor
            for eid, ent in sorted((eid, ent) for eid, ent in draft.entities.items() if ent.type == "Person"):
                if any(start <= a < s.end for a, _b in ent.mentions):
                    return eid
        return None

    # -- claims --------------------------------------------------------------------------------

    def _claims(
        self,
        draft: _Draft,
        sentences: list[_Sentence],
        hits: list[NameHit],
        persons: dict[str, str],
        meeting: str | None,
    ) -> list[tuple[_Sentence, tuple[int, int]]]:
        """Claims of the article; returns the reported statements of a document's aims, which are
        not claims but say what the document is about (sentence, span)."""
        text = draft.text
        aims: list[tuple[_Sentence, tuple[int, int]]] = []
        counter = 0
        last_org: str | None = None
        issued: set[str] = set()
        sources = self._source_messages(draft, sentences, hits)
        for s in sentences:
            if s.find(COMMITMENT) and not s.find(SAID):
                continue
            units: list[tuple[int, int, bool]] = [(a, b, True) for a, b in s.quotes if b - a > 2]
            joined = s.find(AND_SAID) if units else None
            if joined and s.start + joined.start() >= units[-1][1]:
                a = s.start + joined.start("c")
                units.append((a, a + len(joined.group("c").rstrip()), False))
            source: str | None = None
            if not units:
                clause = s.find(CLAIM_CLAUSE)
                according = s.find(ACCORDING_TO) if not clause else None
                if according:  # "850,000 people crossed the sea, according to the UN refugee agency"
                    after = self._hits_in(hits, s.start + according.end(), s.end)
                    if after and re.fullmatch(r"\s*(?:the\s+)?", text[s.start + according.end() : after[0].start]):
                        source = after[0].actor
                        a = s.start + s.body
                        units = [(a, s.start + according.start(), False)]
                if not units and not clause:
                    continue
                if clause:
                    a = s.start + clause.start("c")
                    units = [(a, a + len(clause.group("c").rstrip()), False)]
            sentence_speaker = source or self._speaker(draft, s, hits)
            comm = s.find(COMMUNICATION)
            comm_id = sources.get(s.start)
            if comm_id is None and comm and s.find(SAID_IN):
                kind = re.sub(r"^(?:the|a|an|in a|in the|its)\s+", "", fold(comm.group()))
                comm_id = slug("communique" if kind.startswith("communiq") else kind)
                draft.entity(comm_id, type="Communication", label=kind)
                lead = re.match(r"in\s+", comm.group())
                a = s.start + comm.start() + (lead.end() if lead else 0)
                draft.mention(comm_id, a, s.start + comm.end())
            previous: tuple[str, str] | None = None  # (claim, speaker) of the sentence's last quotation
            for a, b, quoted in units:
                if not quoted and DOCUMENT_AIMS.match(text, a, b):
                    aims.append((s, (a, b)))
                    continue
                speaker = (self._quote_speaker(draft, s, a, b, hits) if quoted else None) or sentence_speaker
                if quoted and previous and speaker == previous[1]:
                    # more words of the same speaker in the same sentence: one claim, several quotations
                    inner = text[a + 1 : b - 1].strip().rstrip(",")
                    draft.mention(previous[0], a, b)
                    draft.relate(previous[0], "quotation", inner, (a, b), 0.7, object_is_literal=True)
                    continue
                if speaker is None and not comm_id:
                    who = [
                        pid for pid in persons if any(s.start <= x < s.end for x, _y in draft.entities[pid].mentions)
                    ]
                    if who and (s.find(STRESS) or s.find(SPEECH)):
                        speaker = who[0]
                speech = s.find(SPEECH)
                collective = COLLECTIVE.match(s.text.lstrip('"“ ')) if speaker is None else None
                if speaker is None and comm_id is None and not collective and not speech:
                    continue
                counter += 1
                inner = text[a + 1 : b - 1].strip().rstrip(",") if quoted else text[a:b].strip()
                mention = (a, b)
                words = [w for w in re.findall(r"[a-z]+", inner.lower()) if len(w) > 3][:6]
                cid = f"claim-{'-'.join(words[:4]) or counter}"
                if cid in draft.entities and not draft.entities[cid].mentions & {mention}:
                    cid = f"{cid}-{counter}"
                draft.entity(cid, type="Claim", label=inner[:80])
                draft.mention(cid, *mention)
                if quoted:
                    draft.relate(cid, "quotation", inner, mention, 0.8, object_is_literal=True)
                modality = "stressed" if s.find(STRESS) else "stated"
                draft.relate(cid, "modality", f"modality:{modality}", (s.start, s.end), 0.7)
                if speaker:
                    draft.relate(cid, "statedBy", speaker, (s.start, s.end), 0.75)
                    previous = (cid, speaker) if quoted else None
                if comm_id:
                    draft.relate(cid, "statedIn", comm_id, (s.start, s.end), 0.8)
                if collective and meeting and speaker is None:
                    for party in self._collective(draft, collective.group(), meeting):
                        draft.relate(cid, "statedBy", party, (s.start, s.end), 0.55)
                if meeting and (collective or s.find(PARTICIPATION)) and not s.find(CRITIC_VERBS):
                    draft.relate(cid, "adoptedAt", meeting, (s.start, s.end), 0.6)
                if (
                    comm
                    and comm_id
                    and comm_id not in issued
                    and fold(comm.group()).startswith(("the", "in the"))
                    and last_org
                ):
                    draft.relate(comm_id, "issuedBy", last_org, (s.start, s.end), 0.5)
                    issued.add(comm_id)
                if (
                    speaker
                    and self.registry.actors.get(speaker) is not None
                    and self.registry.actors[speaker].type in ("Agency", "Institution")
                ):
                    last_org = speaker
                self._topics(draft, cid, inner, mention)
        return aims

    def _source_messages(self, draft: _Draft, sentences: list[_Sentence], hits: list[NameHit]) -> dict[int, str]:
        """Messages a sentence names as its source, with who issued them: sentence start -> message id."""
        out: dict[int, str] = {}
        for s in sentences:
            m = SOURCE_MESSAGE.match(s.text)
            if not m:
                continue
            kind = re.sub(r"^(?:the|a|an|its)\s+", "", fold(m.group("c")))
            kind = re.sub(r"\s+of\s+the\s+\w+$", "", kind)
            mid = slug("communique" if kind.startswith("communiq") else kind)
            if mid in draft.entities and draft.entities[mid].type != "Communication":
                mid = f"{mid}-message"
            draft.entity(mid, type="Communication", label=kind)
            draft.mention(mid, s.start + m.start("c"), s.start + m.end("c"))
            out[s.start] = mid
            issuer = None
            if m.group("by"):
                after = self._hits_in(hits, s.start + m.end(), s.end)
                issuer = after[0].actor if after and after[0].start - (s.start + m.end()) < 6 else None
            else:
                issuer = self._speaker(draft, s, hits)
                if issuer not in self.registry.actors:
                    issuer = None
            if issuer:
                draft.relate(mid, "issuedBy", issuer, (s.start, s.end), 0.6)
        return out

    def _quote_speaker(self, draft: _Draft, s: _Sentence, start: int, end: int, hits: list[NameHit]) -> str | None:
        """Who says the quotation ``text[start:end]``: the name by the speech verb next to it."""
        text = draft.text

        def who_in(a: int, b: int, last: bool) -> str | None:
            found: list[tuple[int, str]] = []
            for eid, ent in draft.entities.items():
                if ent.type == "Person":
                    found += [(x, eid) for x, y in ent.mentions if a <= x and y <= b]
            found += [(h.start, h.actor) for h in hits if a <= h.start and h.end <= b]
            if not found:
                return None
            return sorted(found)[-1 if last else 0][1]

        after = re.match(
            r"\s*[,.]?\s*(?:[-–—]\s*)?(?:(?P<verb>said|says|stated|told|added|insisted|stressed|wrote)\s+(?P<who1>[^,.;\"“”]{1,60})"
            r"|(?P<who2>[^,.;\"“”]{1,60}?)\s+(?:said|says|told|added|stressed|insisted|wrote)\b)",
            text[end : s.end],
        )
        if after:
            group = "who1" if after.group("who1") else "who2"
            found = who_in(end + after.start(group), end + after.end(group), last=False)
            if found:
                return found
        clause_start = max([s.start] + [b for a, b in s.quotes if b <= start])
        lead = text[clause_start:start]
        verbs = list(
            re.finditer(
                r"\b(?:said|says|told|added|stressed|warned|argued|described (?:himself|herself|itself|it|them) as|"
                r"called (?:it|them)|insisted|noted|remarks?)\b",
                lead,
            )
        )
        verb = verbs[-1] if verbs else None
        if verb:
            return who_in(clause_start, clause_start + verb.start(), last=True)
        return None

    def _collective(self, draft: _Draft, phrase: str, meeting: str) -> list[str]:
        """Who "the participants", "they" or "the ministers" are: registry participants of the meeting.

        Ministers and leaders are those of states; participants also include bodies such as the
        Commission; a union as a whole (the EU) is not among them.
        """
        states_only = bool(re.search(r"minister|leader", phrase, re.I))
        out = []
        for r in draft.relations.values():
            if r.predicate != "participatedIn" or r.object != meeting:
                continue
            actor = self.registry.actors.get(r.subject)
            if actor is None:
                continue
            if actor.type == "SupranationalUnion" or (states_only and actor.type != "State"):
                continue
            out.append(r.subject)
        return sorted(set(out))

    def _topics(
        self, draft: _Draft, subject: str, text: str, evidence: tuple[int, int], confidence: float = 0.6
    ) -> None:
        if not self.topic_of:
            return
        found = self._topic_cache.get(text)
        if found is None:
            found = self._topic_ids(text)
            if len(self._topic_cache) > 4096:
                self._topic_cache.clear()
            self._topic_cache[text] = found
        for tid in sorted(found):
            draft.relate(subject, "about", f"topic:{tid}", evidence, confidence)

    def _topic_ids(self, text: str) -> set[str]:
        """The topics of the words ``text`` names: what ``re.finditer(r"\\b(?:words, longest first)",
        text, re.I)`` finds, from one Aho–Corasick pass over ``fold(text)`` (the words are their own
        fold: tests check it), each match the longest word starting at a word boundary, the next
        one starting after it."""
        starts = sorted(
            (end + 1 - len(word), -len(word), word)
            for end, word in self.topic_automaton.iter(fold(text))
            if _boundary(text, end + 1 - len(word))
        )
        found: set[str] = set()
        last_end = 0
        for start, minus_length, word in starts:
            if start >= last_end:
                found |= self.topic_of[word]
                last_end = start - minus_length
        return found

    # -- agreements ----------------------------------------------------------------------------

    def _agreements(
        self,
        draft: _Draft,
        sentences: list[_Sentence],
        hits: list[NameHit],
        persons: dict[str, str],
        meeting: str | None,
        published: str | None,
    ) -> None:
        text = draft.text
        made: dict[str, str] = {}  # base -> entity id
        # the kinds of document the article names in a sentence that acts on one
        named = {
            base
            for s in sentences
            if not s.background and s.find(AGREEMENT_VERBS)
            for pattern, _cls, base in AGREEMENT_NOUNS
            if any(not s.inside_quote(m.start()) for m in s.finditer(pattern, text))
        }
        nouns = list(AGREEMENT_NOUNS)
        if len(named) == 1:
            only = next(n for n in nouns if n[2] in named)
            nouns.append((GENERIC_AGREEMENT, only[1], only[2]))
        else:
            nouns.append((GENERIC_AGREEMENT, "Treaty", "agreement"))
        # first the documents, from the sentences that act on them; then every mention, before or after
        for s in sentences:
            if s.background or not s.find(AGREEMENT_VERBS):
                continue
            for pattern, cls, base in nouns:
                m = next((m for m in s.finditer(pattern, text) if not s.inside_quote(m.start())), None)
                if m and base not in made and not (base == "declaration" and self._in_message(s)):
                    made[base] = base if base not in draft.entities else f"{base}-{len(made) + 1}"
                    draft.entity(made[base], type=cls, label=m.group())
        last: str | None = None
        for s in sentences:
            if s.background:
                continue
            found: list[str] = []
            for pattern, cls, base in nouns:
                for m in s.finditer(pattern, text):
                    if s.inside_quote(m.start()) or (
                        fold(m.group()) == "agreement" and cls == "Treaty" and not s.find(AGREEMENT_VERBS)
                    ):
                        continue
                    if (base == "declaration" and self._in_message(s)) or base not in made:
                        continue
                    draft.mention(made[base], m.start(), m.end())
                    if made[base] not in found:
                        found.append(made[base])
            # "... signed it in Rome": the pronoun is the agreement last named
            if not found and last and s.find(SIGNED_IT):
                found.append(last)
            # a sentence that goes on about the agreement last named: "Under the deal, ...", "It provides ..."
            if not found and last and CONTINUES.match(s.text):
                self._topics(draft, last, s.text, (s.start, s.end), 0.4)
            for aid in found:
                last = aid
                if s.find(AGREEMENT_VERBS):
                    self._agreement_facts(draft, s, aid, hits, persons, meeting, published)
                self._topics(draft, aid, s.text, (s.start, s.end), 0.5)
        for aid in made.values():  # a signed document is "signed", even where a sentence says "agreed"
            if (aid, "modality", "modality:signed") in draft.relations:
                draft.relations.pop((aid, "modality", "modality:agreed"), None)

    @staticmethod
    def _in_message(s: _Sentence) -> bool:
        """ "said in a statement": a message, not an agreed text."""
        return bool(s.find(COMMUNICATION) and re.search(r"\bin a\b", s.text))

    def _agreement_facts(
        self,
        draft: _Draft,
        s: _Sentence,
        aid: str,
        hits: list[NameHit],
        persons: dict[str, str],
        meeting: str | None,
        published: str | None,
    ) -> None:
        """Parties, signatories, modality, meeting and date of an agreement from one sentence.

        Its place is its meeting's (the shapes allow ``locatedIn`` on meetings only).
        """
        signed = s.find(SIGNED)
        verb = signed or s.find(AGREEMENT_VERBS)
        assert verb is not None
        # who acts: the words before the verb, or after "signed by" up to the next clause
        verb_at = s.start + verb.start()
        by = re.match(
            r"\s+by\b(?P<who>.*?)(?=,\s+(?:in the presence|while|as|after|before|at)\b|[.;]|$)", s.text[verb.end() :]
        )
        regions = [(s.start, verb_at)]
        if by:
            regions.append((s.start + verb.end() + by.start("who"), s.start + verb.end() + by.end("who")))
        between = re.search(r"\bbetween\b(?P<who>[^,.;:]+)", s.text[verb.end() :])
        if between and MEETING_NOUNS.search(s.text[verb.end() : verb.end() + between.start()]):
            between = None  # "talks between A and B" names the meeting's sides, not the parties
        if between and not by:
            regions.append((s.start + verb.end() + between.start("who"), s.start + verb.end() + between.end("who")))

        # "signed a memorandum with the EU on 16 July", "agreed with Italy a deal to ...": the other side
        # is a party too (not "in cooperation with", "with the support of": helpers, not parties)
        other = SIGNED_WITH.match(s.text, verb.end())
        if other and _with_names_a_party(other.group("doc"), s.text[other.end() :]):
            regions.append((s.start + other.start("who"), s.start + other.end("who")))

        def acting(a: int, b: int) -> bool:
            return any(start <= a and b <= end for start, end in regions)

        for hit in self._hits_in(hits, s.start, s.end):
            if not acting(hit.start, hit.end) or self._negated(s, hit.start, hit.end) or s.inside_quote(hit.start):
                continue
            if s.find(CRITIC_VERBS):
                continue
            draft.relate(hit.actor, "partyTo", aid, (s.start, s.end), 0.6)
        for pid, actor in persons.items():
            mentioned = [(a, b) for a, b in draft.entities[pid].mentions if s.start <= a < s.end]
            if any(acting(a, b) and not self._negated(s, a, b) for a, b in mentioned):
                if signed:
                    draft.relate(pid, "signed", aid, (s.start, s.end), 0.7)
                draft.relate(actor, "partyTo", aid, (s.start, s.end), 0.6)
        draft.relate(aid, "modality", f"modality:{'signed' if signed else 'agreed'}", (s.start, s.end), 0.6)
        if meeting and re.search(r"\b(?:adopted|adopting|agreed|endorsed|signed|signing|launched)\b", s.text):
            draft.relate(aid, "adoptedAt", meeting, (s.start, s.end), 0.5)
        when = self._date(s, published)
        if when:
            draft.relate(aid, "date", when[0], when[1], 0.6, object_is_literal=True, datatype="date")
        else:
            period = self._period(s, published, AGREEMENT_CUES)
            if period:
                draft.period(aid, period, 0.6)

    # -- commitments ---------------------------------------------------------------------------

    def _commitments(self, draft: _Draft, sentences: list[_Sentence], hits: list[NameHit], meeting: str | None) -> None:
        text = draft.text
        last_phrase = "the ministers"
        for s in sentences:
            if s.background:
                continue
            for m in s.finditer(COMMITMENT, text):
                verb = fold(m.group("verb"))  # as the case-insensitive pattern read it ("ſ" is "s")
                modality = next((mod for cue, mod in COMMITMENT_MODALITY if verb.startswith(cue)), None)
                if modality is None:
                    continue
                rest_start = m.end() if not verb.startswith("noted") else m.start() + len("noted ")
                negative = re.search(r"\snot\s+to$", m.group())
                if negative:  # "undertakes not to send": the undertaking is not to
                    rest_start = m.start() + negative.start() + 1
                tail = text[rest_start : s.end]
                # (", and a committee will check ...": another clause, with its own subject)
                cut = re.search(r"[.;]|,\s+(?:including|which|while|as)\b|" + _NEXT_SETTLED, tail)
                clause = tail[: cut.start()] if cut else tail
                if s.may_match(REPORTED) and REPORTED.search(text, s.start, m.start()):
                    continue  # "X said ten countries had pledged to ...": part of X's claim
                document = self._document_of(draft, s)
                if document and WORK_TOGETHER.match(clause.lstrip()):
                    # a general undertaking to cooperate, by the parties of the article's document: what
                    # the document is about (and, in _cooperation, who cooperates), not a commitment
                    self._topics(draft, document, tail, (rest_start, rest_start + len(tail)), 0.5)
                    continue
                pieces = re.split(r"\s+and\s+(?=(?:" + "|".join(BARE_VERBS) + r")\b)", clause)
                offset = rest_start
                for index, piece in enumerate(pieces):
                    p_start = text.find(piece, offset)
                    p_end = p_start + len(piece)
                    offset = p_end
                    words = [w for w in re.findall(r"[a-z]+", piece.lower()) if len(w) > 3][:4]
                    cid = "commitment-" + ("-".join(words) or str(len(draft.entities)))
                    label = re.sub(r"\s+", " ", piece.strip(' "“”')).strip()[:90] or verb
                    draft.entity(cid, type="Commitment", label=label)
                    mention = (m.start() if index == 0 and not verb.startswith("noted") else p_start, p_end)
                    draft.mention(cid, *mention)
                    subject = text[s.start : m.start()]
                    named = [
                        h
                        for h in self._hits_in(hits, s.start, m.start())
                        if not self._negated(s, h.start, h.end) or self._negative_undertaking(s, h.start, m)
                    ]
                    # the last collective phrase, nearest the verb
                    collective = ([None, *COLLECTIVE.finditer(subject)])[-1]
                    if collective:
                        last_phrase = collective.group()
                        # "..., published by the Italian government, participants committed": the
                        # collective nearest the verb is the subject
                        if named and named[-1].end - s.start < collective.start():
                            named = []
                    explicit = [h.actor for h in named]
                    parties = explicit or (
                        self._collective(draft, last_phrase, meeting)
                        if meeting and (collective or not subject.strip() or verb.startswith("noted"))
                        else []
                    )
                    if not parties and collective and document and BOTH_SIDES.fullmatch(collective.group()):
                        # no meeting: "the two sides", "both governments" are the parties of the document
                        sides = self._parties_of(draft, [document], "partyTo")
                        parties = sides if len(sides) >= 2 else []
                    for party in parties:
                        draft.relate(party, "partyTo", cid, (s.start, s.end), 0.6)
                    draft.relate(cid, "modality", f"modality:{modality}", (m.start(), m.end()), 0.7)
                    if meeting:
                        draft.relate(cid, "adoptedAt", meeting, (s.start, s.end), 0.6)
                    for q in find_quotes(text, s.start, s.end):
                        if q.inner_end - q.inner_start > 3:
                            draft.relate(
                                cid,
                                "quotation",
                                text[q.inner_start : q.inner_end],
                                (q.inner_start, q.inner_end),
                                0.6,
                                object_is_literal=True,
                            )
                    self._topics(draft, cid, piece if len(pieces) > 1 else text[m.start() : s.end], (p_start, p_end))

    @staticmethod
    def _negative_undertaking(s: _Sentence, hit_start: int, m: re.Match[str]) -> bool:
        """Whether every denial in the clause of a party named at ``hit_start`` comes after the verb
        of the commitment ``m``: "Rwanda undertakes not to send ..." is an undertaking, and "not"
        denies nothing of Rwanda's part in it."""
        verb_end = m.start("verb") + len(m.group("verb").split()[0]) - s.start
        left = max(s.text.rfind(c, 0, hit_start - s.start) for c in ",;:(") + 1
        return s.denied is None and not any(left <= a < verb_end for a, _b in s.negations())

    def _settled_commitments(
        self,
        draft: _Draft,
        sentences: list[_Sentence],
        hits: list[NameHit],
        persons: dict[str, str],
    ) -> None:
        """Commitments stated without a commitment verb (annotation guide, "Claims and commitments"):
        an undertaking stated as settled beside agreed undertakings of the same or the sentence
        before ("They agreed to …. Patrols are to resume"; modality agreed), money a named actor will
        put in ("X will back the plan with 50 million euros"; pledged), and what a party says the
        parties would do ("Italian officials said the two governments would hold a review"; stated,
        in place of a claim)."""
        text = draft.text
        commitments = [eid for eid, e in draft.entities.items() if e.type == "Commitment" and e.mentions]
        mentions = {c: sorted(draft.entities[c].mentions) for c in commitments}
        for index, s in enumerate(sentences):
            if s.background:
                continue
            near = [x for x in sentences[max(0, index - 1) : index + 1] if not x.background]
            context = [c for c in commitments if any(x.start <= a < x.end for x in near for a, _b in mentions[c])]
            for m in s.finditer(STATED_WOULD, text):
                self._stated_commitment(draft, s, m, hits, persons, self._document_of(draft, s))
            if not context and not DIGIT.search(s.text):
                continue  # neither beside agreed undertakings nor a sum of money: nothing settled to find
            for m in s.finditer(SETTLED, text):
                if s.inside_quote(m.start()) or any(a <= m.start() < b for c in commitments for a, b in mentions[c]):
                    continue
                before = s.text[: m.start() - s.start]
                clause_start = s.start + max([s.body] + [before.rfind(c) + 1 for c in ",;:"])
                lead = SETTLED_LEAD.match(text, clause_start, m.start())
                subject_start = lead.end() if lead else clause_start
                subject = text[subject_start : m.start()]
                if not subject.strip() or REPORTED.search(text, s.start, m.start()) or SPEECH.search(subject):
                    continue
                tail = text[m.end() : s.end]
                cut = SETTLED_END.search(tail)
                end = m.end() + (cut.start() if cut else len(tail.rstrip(". ")))
                clause = text[subject_start:end]
                named = [
                    h.actor
                    for h in self._hits_in(hits, subject_start, m.start())
                    if not POSSESSIVE.match(text, h.end) and not self._negated(s, h.start, h.end)
                ]
                money = MONEY.search(clause)
                if context:  # beside agreed undertakings: one more, by the same parties at the same meeting
                    parties = named or self._parties_of(draft, context, "partyTo")
                    modality = "pledged" if money else "agreed"
                    at = self._parties_of(draft, context, "adoptedAt")
                elif named and money:  # "X will back the plan with 50 million euros"
                    parties, modality, at = named, "pledged", []
                else:  # what the article's document provides is its content (its `about`), not a commitment
                    continue
                self._add_commitment(draft, s, clause, (subject_start, end), parties, modality, at)

    def _stated_commitment(
        self,
        draft: _Draft,
        s: _Sentence,
        m: re.Match[str],
        hits: list[NameHit],
        persons: dict[str, str],
        document: str | None,
    ) -> None:
        """ "Spanish officials said the two governments would hold a review": the parties' commitment,
        stated by the speaker, when the subject is the speaker's side or both sides; the claim the
        sentence gave is taken back."""
        text = draft.text
        if s.inside_quote(m.start()) or NEGATION.search(m.group("rest")):
            return
        speaker = self._speaker(draft, s, hits)
        side = persons.get(speaker or "", speaker)
        if side not in self.registry.actors:
            return
        subject = m.group("subj")
        a = m.start("subj")
        named = [h.actor for h in self._hits_in(hits, a, m.end("subj")) if not POSSESSIVE.match(text, h.end)]
        if named:
            if set(named) != {side}:
                return  # what a third party would do is the speaker's claim
            parties = named
        elif BOTH_SIDES.fullmatch(subject.strip()):
            parties = self._parties_of(draft, [document], "partyTo") if document else []
            if side not in parties:
                return
        else:
            return
        end = m.end("rest") - len(m.group("rest")) + len(m.group("rest").rstrip(" ."))
        cid = self._add_commitment(draft, s, text[a:end], (a, end), parties, "stated", [], stated_by=side)
        # the statement is the commitment, not also a claim of the speaker
        for eid, ent in list(draft.entities.items()):
            if ent.type == "Claim" and eid != cid and any(x <= a < y or a <= x < end for x, y in ent.mentions):
                del draft.entities[eid]
                for key in [k for k in draft.relations if eid in (k[0], k[2])]:
                    del draft.relations[key]

    def _add_commitment(
        self,
        draft: _Draft,
        s: _Sentence,
        clause: str,
        span: tuple[int, int],
        parties: list[str],
        modality: str,
        meetings: list[str],
        stated_by: str | None = None,
    ) -> str | None:
        """A Commitment of ``parties`` stated by ``clause`` (at ``span``), adopted at ``meetings``; its
        id, or None without parties."""
        if not parties:
            return None
        words = [w for w in re.findall(r"[a-z]+", clause.lower()) if len(w) > 3][:4]
        cid = "commitment-" + ("-".join(words) or str(len(draft.entities)))
        draft.entity(cid, type="Commitment", label=re.sub(r"\s+", " ", clause.strip())[:90])
        draft.mention(cid, *span)
        for party in parties:
            draft.relate(party, "partyTo", cid, (s.start, s.end), 0.55, stated_by=stated_by)
        draft.relate(cid, "modality", f"modality:{modality}", span, 0.6)
        for meeting in meetings:
            draft.relate(cid, "adoptedAt", meeting, (s.start, s.end), 0.5)
        self._topics(draft, cid, clause, span)
        return cid

    @staticmethod
    def _parties_of(draft: _Draft, commitments: list[str], predicate: str) -> list[str]:
        """Who is ``partyTo`` the given commitments or documents (or where they were ``adoptedAt``)."""
        found = set()
        for r in draft.relations.values():
            if r.predicate == predicate == "partyTo" and r.object in commitments:
                found.add(r.subject)
            elif r.predicate == predicate != "partyTo" and r.subject in commitments:
                found.add(r.object)
        return sorted(found)

    @staticmethod
    def _documents_dated_by_meeting(draft: _Draft) -> None:
        """A document adopted at a meeting, with no date of its own, bears the meeting's date; a
        document and its meeting share the periods found for either (Extractor._annotation keeps the
        days they have in common)."""
        dates = {r.subject: r for r in draft.relations.values() if r.predicate == "date"}
        periods = {eid: list(found) for eid, found in draft.periods.items()}
        for r in list(draft.relations.values()):
            doc = draft.entities.get(r.subject)
            if r.predicate == "adoptedAt" and doc and doc.type in DOCUMENT_TYPES:
                for a, b in ((r.object, r.subject), (r.subject, r.object)):
                    for _confidence, first, last, evidence in periods.get(a, []):
                        draft.period(b, (first, last, evidence), 0.4)
                if r.subject in dates:
                    continue
                when = dates.get(r.object)
                if when is not None:
                    evidence = (when.evidence[0].start, when.evidence[0].end)
                    draft.relate(r.subject, "date", when.object, evidence, 0.4, object_is_literal=True, datatype="date")

    @staticmethod
    def _document_of(draft: _Draft, s: _Sentence) -> str | None:
        """The document the article reports as signed or adopted: the one named in ``s``, else the first."""
        documents = sorted(eid for eid, ent in draft.entities.items() if ent.type in DOCUMENT_TYPES and ent.mentions)
        named = [d for d in documents if any(s.start <= a < s.end for a, _b in draft.entities[d].mentions)]
        return next(iter(named or documents), None)

    # -- funds ---------------------------------------------------------------------------------

    def _funds(self, draft: _Draft, sentences: list[_Sentence], hits: list[NameHit]) -> None:
        """A named fund, its later mentions ("the fund"), and who puts money into it."""
        fid: str | None = None
        for s in sentences:
            if s.background:
                continue
            m = s.find(FUND_RE) if fid is None else None
            if m and not s.inside_quote(s.start + m.start()):
                name = re.sub(r"^the\s+", "", m.group())
                if len(name.split()) >= 2:
                    fid = "fund"
                    draft.entity(fid, type="Fund", label=name)
                    draft.mention(fid, s.start + m.start(), s.start + m.end())
            if fid is None:
                continue
            for later in re.finditer(r"\b[Tt]he (?:fund|facility)\b", s.text):
                draft.mention(fid, s.start + later.start(), s.start + later.end())
            money = MONEY.search(s.text)
            if money and any(s.start <= a < s.end for a, _b in draft.entities[fid].mentions):
                funder = [h for h in self._hits_in(hits, s.start, s.start + money.start())]
                if funder and not self._negated(s, funder[0].start, funder[0].end):
                    draft.relate(funder[0].actor, "funds", fid, (s.start, s.end), 0.5)
            if m:
                self._topics(draft, fid, s.text, (s.start, s.end), 0.4)

    # -- cooperation ---------------------------------------------------------------------------

    @staticmethod
    def _pairs(hits: list[NameHit]) -> list[tuple[str, str]]:
        """Every two distinct actors of ``hits``, each pair in the order the text names them."""
        actors = list(dict.fromkeys(h.actor for h in hits))
        return [(a, b) for i, a in enumerate(actors) for b in actors[i + 1 :]]

    @staticmethod
    def _cooperation_status(s: _Sentence) -> str:
        if re.search(r"\b(?:agreed|will|pledged|committed)\b", s.text):
            return "agreed"
        return "proposed" if re.search(r"\b(?:proposed|called for|suggested|would)\b", s.text) else "existing"

    def _cooperation(self, draft: _Draft, sentences: list[_Sentence], hits: list[NameHit]) -> None:
        for s in sentences:
            if s.background:
                continue
            self._working_together(draft, s, hits)
            self._partnership(draft, s, hits)
            self._union_agencies(draft, s, hits)
            m = s.find(COOPERATION_BETWEEN)
            if not m:
                continue
            left = self._hits_in(hits, s.start + m.start("left"), s.start + m.end("left"))
            right_text = m.group("right")
            inc = re.search(r"\b(?:including|such as)\b", right_text)
            right_start = s.start + m.start("right") + (inc.end() if inc else 0)
            right = self._hits_in(hits, right_start, s.start + m.end("right"))
            if not left or not right:
                continue
            status = self._cooperation_status(s)
            if inc:  # "between the EU and African agencies, including Frontex": each named member with the EU
                pairs = [(a, b) for a in {h.actor for h in left} for b in {h.actor for h in right}]
            else:  # "between Europol, Frontex and Eurojust": every two of them
                pairs = self._pairs([h for h in left + right if not POSSESSIVE.match(draft.text, h.end)])
            for a, b in pairs:
                if a != b and self.registry.actors[b].type in COOPERATING:
                    draft.relate(a, "cooperatesWith", b, (s.start, s.end), 0.6, status=status)
            agencies = re.search(r"\b(?P<body>\w+)\s+agencies,?\s+(?:including|such as)\b", s.text)
            if agencies:
                body = self._hits_in(hits, s.start + agencies.start("body"), s.start + agencies.end("body"))
                for hit in body[:1]:
                    for member in right:
                        draft.relate(member.actor, "partOf", hit.actor, (s.start, s.end), 0.6)

    def _working_together(self, draft: _Draft, s: _Sentence, hits: list[NameHit]) -> None:
        """ "Frontex and Europol already work together", "the two sides committed themselves to
        working together": the actors named before the verb, or the two parties of the article's
        agreement for "the two sides"."""
        m = s.find(WORK_TOGETHER)
        if not m or s.inside_quote(s.start + m.start()):
            return
        clause_start = s.start + max(s.text.rfind(c, 0, m.start()) for c in ",;:") + 1
        named = [
            h
            for h in self._hits_in(hits, clause_start, s.start + m.start())
            if not self._negated(s, h.start, h.end) and not POSSESSIVE.match(draft.text, h.end)
        ]
        pairs = self._pairs(named)
        if not pairs and TWO_SIDES.search(s.text, 0, m.start()):
            pairs = self._two_parties(draft, AGREEMENT_IDS)
        for a, b in pairs:
            if self.registry.actors[b].type in COOPERATING:
                draft.relate(a, "cooperatesWith", b, (s.start, s.end), 0.6, status=self._cooperation_status(s))

    def _two_parties(self, draft: _Draft, agreements: set[str]) -> list[tuple[str, str]]:
        """The two registry parties of ``agreements`` as a pair in text order (none when not two)."""
        parties = sorted(
            {r.subject for r in draft.relations.values() if r.predicate == "partyTo" and r.object in agreements}
            & set(self.registry.actors),
            key=lambda actor: min(a for a, _b in draft.entities[actor].mentions),
        )
        return [(parties[0], parties[1])] if len(parties) == 2 else []

    def _partnership(self, draft: _Draft, s: _Sentence, hits: list[NameHit]) -> None:
        """ "signed a joint declaration launching a migration partnership": the document's two parties
        cooperate; "A in cooperation with B"."""
        text = draft.text
        m = s.find(LAUNCHES_PARTNERSHIP)
        if m and not s.inside_quote(s.start + m.start()):
            # the actors named before the verb, or whom the persons named there represent
            start, end = s.start + s.body, s.start + m.start()
            named = [h for h in self._hits_in(hits, start, end) if not self._negated(s, h.start, h.end)]
            for r in draft.relations.values():
                if r.predicate == "represents":
                    named += [
                        NameHit(a, b, r.object, "name")
                        for a, b in draft.entities[r.subject].mentions
                        if start <= a and b <= end and not self._negated(s, a, b)
                    ]
            for a, b in self._pairs(sorted(named, key=_START))[:1]:
                draft.relate(a, "cooperatesWith", b, (s.start, s.end), 0.55, status="agreed")
        for m in s.finditer(IN_COOPERATION_WITH, text):
            before = [h for h in self._hits_in(hits, max(s.start, m.start() - 40), m.start())]
            after = [h for h in self._hits_in(hits, m.end(), min(s.end, m.end() + 40))]
            if before and after and re.fullmatch(r"\s*(?:the\s+)?", text[m.end() : after[0].start]):
                a, b = before[-1].actor, after[0].actor
                if a != b and self.registry.actors[b].type in COOPERATING:
                    draft.relate(a, "cooperatesWith", b, (s.start, s.end), 0.55, status=self._cooperation_status(s))

    def _union_agencies(self, draft: _Draft, s: _Sentence, hits: list[NameHit]) -> None:
        """ "Europol, the EU police agency", "the EU's judicial cooperation agency, Eurojust", "the EU
        border agency" (a name of Frontex): the agency is part of the union."""
        text = draft.text
        for m in s.finditer(UNION_AGENCY, text):
            union = next((h.actor for h in self._names_within(m.group("u"))), None)
            agency = next(
                (
                    h.actor
                    for h in self._hits_in(hits, max(s.start, m.start() - 40), min(s.end, m.end() + 40))
                    if self.registry.actors[h.actor].type == "Agency"
                    and (
                        (h.start <= m.start() and m.end() <= h.end)
                        or re.fullmatch(r",\s*", text[h.end : m.start()])
                        or re.fullmatch(r",\s*", text[m.end() : h.start])
                    )
                ),
                None,
            )
            if union and agency:
                draft.relate(agency, "partOf", union, (m.start(), m.end()), 0.6)

    # -- output --------------------------------------------------------------------------------

    @staticmethod
    def _bounds(draft: _Draft) -> None:
        """``notBefore`` and ``notAfter`` of each meeting or document without a date (a day wins):
        the days all its periods share, each bound with the phrase that sets it; when they share none,
        the surest period (then the earliest)."""
        dated = {r.subject for r in draft.relations.values() if r.predicate == "date"}
        for eid, found in sorted(draft.periods.items()):
            if eid in dated:
                continue
            # the surest first: among equals, the surest phrase sets each bound
            found = sorted(found, key=lambda p: (-p[0], p[1], p[2], p[3]))
            first = max(found, key=lambda p: p[1])  # max() keeps the first of equals
            last = min(found, key=lambda p: p[2])
            if first[1] > last[2]:
                first = last = found[0]
            for predicate, (confidence, day, evidence) in (
                ("notBefore", (first[0], first[1], first[3])),
                ("notAfter", (last[0], last[2], last[3])),
            ):
                draft.relate(eid, predicate, day, evidence, confidence, object_is_literal=True, datatype="date")

    def _annotation(
        self, draft: _Draft, spans: list[tuple[int, int]], article_id: str, published: str | None, title: str | None
    ) -> Annotation:
        text = draft.text
        by_subject: dict[str, list[Relation]] = {}
        dates: dict[str, list[Relation]] = {}
        objects: set[tuple[str, str]] = set()
        for r in draft.relations.values():
            by_subject.setdefault(r.subject, []).append(r)
            objects.add((r.predicate, r.object))
            if r.predicate == "date":
                dates.setdefault(r.subject, []).append(r)
        # the shapes want one modality, one description and a party per commitment
        unparty: set[str] = set()
        for eid, ent in sorted((eid, ent) for eid, ent in draft.entities.items() if ent.type == "Commitment"):
            mine = by_subject.get(eid, [])
            if ("partyTo", eid) not in objects:
                unparty.add(eid)
                continue
            modalities = sorted(
                (r for r in mine if r.predicate == "modality"), key=lambda r: (-(r.confidence or 0.0), r.object)
            )
            for extra in modalities[1:]:
                del draft.relations[(eid, "modality", extra.object)]
            if not any(r.predicate == "description" for r in mine) and ent.mentions:
                a, b = min(ent.mentions)
                summary = (ent.label or text[a:b]).strip()
                summary = summary[0].upper() + summary[1:] + ("" if summary.endswith(".") else ".")
                draft.relate(eid, "description", summary, (a, b), 0.3, object_is_literal=True)
        draft.drop(unparty)
        # one date per meeting or document: the surest, then the earliest (a meeting's first day)
        for eid, found in dates.items():
            for extra in sorted(found, key=lambda r: (-(r.confidence or 0.0), r.object))[1:]:
                draft.relations.pop((eid, "date", extra.object), None)
        self._bounds(draft)
        # a claim needs someone who stated it or a message that carries it
        draft.drop(
            eid
            for eid, ent in draft.entities.items()
            if ent.type == "Claim" and not any(r.predicate in ("statedBy", "statedIn") for r in by_subject.get(eid, []))
        )
        used = {r.subject for r in draft.relations.values()} | {r.object for r in draft.relations.values()}
        entities = []
        for eid in sorted(draft.entities):
            ent = draft.entities[eid]
            if not ent.mentions:
                continue
            if ent.registry is None and eid not in used:
                continue
            mentions = tuple([Span(a, b, text[a:b]) for a, b in sorted(ent.mentions)])
            entities.append(Entity(eid, ent.registry, ent.type, ent.label, mentions))
        known = {e.id for e in entities}
        relations = []
        for key in sorted(draft.relations):
            r = draft.relations[key]
            if r.subject not in known:
                continue
            if not r.object_is_literal and not r.object.startswith(("topic:", "modality:")) and r.object not in known:
                continue
            confidence = round(r.confidence or 0.0, 2)
            if (
                confidence != r.confidence
                or (r.stated_by and r.stated_by not in known)
                or (r.stated_in and r.stated_in not in known)
                or (r.role and r.role not in known)
            ):
                r = replace(
                    r,
                    stated_by=r.stated_by if r.stated_by in known else None,
                    stated_in=r.stated_in if r.stated_in in known else None,
                    role=r.role if r.role in known else None,
                    confidence=confidence,
                )
            relations.append(r)
        first_line = text[spans[0][0] : spans[0][1]] if spans else ""
        meta = ArticleMeta(
            id=article_id,
            text_file=f"articles/{article_id}.txt",
            sha256=sha256_text(text),
            title=title or first_line[:200],
            published=published,
        )
        return Annotation("<draft>", meta, text, tuple(spans), tuple(entities), tuple(relations))


# cue words per topic, added to the topic's labels in ontology/topics.ttl
TOPIC_CUES: dict[str, tuple[str, ...]] = {
    "irregular-migration": ("illegal migration", "illegal immigration", "irregular migrants", "irregular arrivals",
                            "irregular departures", "irregular routes", "irregular crossings", "migration pressure",
                            "crossed the sea", "illegal crossings"),
    "smuggling": ("smuggling", "smugglers", "traffic of migrants", "traffic in migrants"),
    "trafficking": ("human trafficking", "trafficking in human beings", "traffickers", "trafficking"),
    "transnational-crime": ("transnational crime", "organised crime", "organized crime", "criminal networks",
                            "criminal organizations", "criminal organisations", "smuggling networks"),
    "border-management": ("border management", "border control", "border agencies", "border guards", "coast guard",
                          "coastguard", "external borders", "border security", "passenger controls",
                          "migration control"),
    "search-and-rescue": ("rescue at sea", "search and rescue", "rescued at sea", "deaths at sea", "migrants rescued",
                          "rescue ships", "ship-by-ship"),
    "law-enforcement-cooperation": ("law enforcement", "law-enforcement", "police cooperation", "police officers"),
    "police-training": ("police training", "training projects", "training for police", "training and equipment",
                        "train their staff"),
    "returns-readmission": ("readmission", "returns", "return of", "deportation", "be returned", "be removed",
                            "removals"),
    "legal-pathways": ("legal pathways", "legal migration", "resettlement", "labour mobility", "legal routes",
                       "resettled", "talent partnership"),
    "root-causes": ("root causes", "development programmes", "development projects", "economic development",
                    "investment in jobs", "jobs and training"),
    "funding": ("funding", "million euros", "billion euros", "million dollars", "billion dollars", "million pounds",
                "trust fund", "financial support", "financing", "financial institution", "funds"),
    "protection": ("protection", "vulnerable", "human rights", "humanitarian", "refugees", "unaccompanied minors",
                   "persecution", "safeguards"),
    "asylum": ("asylum",),
    "dialogue": ("dialogue", "relations between", "new chapter", "new stage", "ties between", "partnership",
                 "high-level meeting", "reinforcing our cooperation"),
    "migration-management": ("migration management", "managing migration", "migration policy", "migration policies",
                             "migration and mobility", "pact on migration", "group on migration",
                             "summit on migration", "cooperation on migration"),
}  # fmt: skip


def topic_lexicon(ontology_graph: object) -> dict[str, list[str]]:
    """Topic id -> words that signal it: the scheme's labels plus kg's cue words."""
    from rdflib import Graph
    from rdflib.namespace import SKOS

    from kg.namespaces import TOPIC

    assert isinstance(ontology_graph, Graph)
    out: dict[str, list[str]] = {}
    for concept, label in ontology_graph.subject_objects(SKOS.prefLabel):
        if str(concept).startswith(str(TOPIC)):
            tid = str(concept)[len(str(TOPIC)) :]
            out.setdefault(tid, []).append(str(label))
    for concept, label in ontology_graph.subject_objects(SKOS.altLabel):
        if str(concept).startswith(str(TOPIC)):
            out.setdefault(str(concept)[len(str(TOPIC)) :], []).append(str(label))
    for tid, cues in TOPIC_CUES.items():
        if tid in out:
            out[tid].extend(cues)
    return {tid: sorted(set(words)) for tid, words in sorted(out.items())}
