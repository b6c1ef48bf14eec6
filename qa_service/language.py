"""Questions in a language the policy is not written in: detect them (CLD2, through pycld2:
offline, in-process, about 6 MiB) and say so in the visitor's language, with the contacts,
instead of answering off the mark.

Only a reliable reading of a question of four words or more counts, most of whose words the
policy itself does not use: a false "this is French" on an English question would be worse
than missing a foreign one. `python -m bench.languages` measures it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pycld2

from qa_service.corpus import Contact, Policy

# A question this short ("merci", "GDPR?", "um hi tere") is left to the engine: too little to
# go on (at three words, three of 28,000 English variants beginning "um" read as Portuguese).
MIN_WORDS = 4
# Share of a question's words the policy itself uses at or above which the question is read
# as written in the policy's language, whatever the detector says ("do u sell my emial").
SHARED_WORDS = 0.5
# The share of the question's text CLD2 must give the language (and call its reading
# reliable), told that the policy's language is the likelier one. With the rules above, none
# of 28,000 English questions with typos and chat shorthand is read as another language, and
# 78 of 90 short questions in six other languages are recognised (`python -m bench.languages`).
CONFIDENT = 95  # per cent
# How much of the policy is read to tell its language: plenty for a reliable reading.
POLICY_SAMPLE_CHARS = 4000

_WORD = re.compile(r"[^\W\d_]+")
_KNOWN = frozenset(code for _, code in pycld2.LANGUAGES)  # what CLD2 takes as a hint
# What CLD2 refuses as "invalid UTF-8": control characters and lone surrogates.
_UNREADABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class Reply:
    """How to say, in one language, that the policy is in another, and whom to ask."""

    names: dict[str, str]  # languages' names, as said in this one
    written: str  # "... is written in {name}, so ..." ({name}: the policy's language)
    not_written: str  # the same when the policy's language has no name here
    contact: str  # "For an answer in English, please contact {owner}: {contact}."
    email: str  # "email {email}"
    phone: str  # "call {phone}"
    either: str  # " or "
    no_contact: str  # where to look when the policy gives no contacts
    company: str  # the owner, when the policy does not name one


REPLIES: dict[str, Reply] = {
    "en": Reply(
        names={
            "en": "English",
            "fr": "French",
            "es": "Spanish",
            "de": "German",
            "it": "Italian",
            "pt": "Portuguese",
            "nl": "Dutch",
        },
        written="Our privacy statement is written in {name}, so I can only answer questions "
        "asked in {name}.",
        not_written="Our privacy statement is not written in English, so I can't answer "
        "questions in English here.",
        contact="For an answer in English, please contact {owner}: {contact}.",
        email="email {email}",
        phone="call {phone}",
        either=" or ",
        no_contact="see the contact details on our website",
        company="the company",
    ),
    "fr": Reply(
        names={
            "en": "anglais",
            "fr": "français",
            "es": "espagnol",
            "de": "allemand",
            "it": "italien",
            "pt": "portugais",
            "nl": "néerlandais",
        },
        written="Notre politique de confidentialité est rédigée en {name} : je ne peux "
        "répondre qu'aux questions posées en {name}.",
        not_written="Notre politique de confidentialité n'est pas rédigée en français : je ne "
        "peux pas répondre ici aux questions posées en français.",
        contact="Pour une réponse en français, contactez {owner} : {contact}.",
        email="écrivez à {email}",
        phone="appelez le {phone}",
        either=" ou ",
        no_contact="consultez les coordonnées indiquées sur notre site",
        company="l'entreprise",
    ),
    "es": Reply(
        names={
            "en": "inglés",
            "fr": "francés",
            "es": "español",
            "de": "alemán",
            "it": "italiano",
            "pt": "portugués",
            "nl": "neerlandés",
        },
        written="Nuestra declaración de privacidad está redactada en {name}, así que solo "
        "puedo responder preguntas hechas en {name}.",
        not_written="Nuestra declaración de privacidad no está redactada en español, así que "
        "aquí no puedo responder preguntas en español.",
        contact="Para obtener una respuesta en español, póngase en contacto con {owner}: "
        "{contact}.",
        email="escriba a {email}",
        phone="llame al {phone}",
        either=" o ",
        no_contact="consulte los datos de contacto de nuestro sitio web",
        company="la empresa",
    ),
    "de": Reply(
        names={
            "en": "Englisch",
            "fr": "Französisch",
            "es": "Spanisch",
            "de": "Deutsch",
            "it": "Italienisch",
            "pt": "Portugiesisch",
            "nl": "Niederländisch",
        },
        written="Unsere Datenschutzerklärung ist auf {name} verfasst, daher kann ich nur "
        "Fragen auf {name} beantworten.",
        not_written="Unsere Datenschutzerklärung ist nicht auf Deutsch verfasst, daher kann "
        "ich Fragen auf Deutsch hier nicht beantworten.",
        contact="Für eine Antwort auf Deutsch wenden Sie sich bitte an {owner}: {contact}.",
        email="schreiben Sie an {email}",
        phone="rufen Sie {phone} an",
        either=" oder ",
        no_contact="nutzen Sie die Kontaktangaben auf unserer Website",
        company="das Unternehmen",
    ),
    "it": Reply(
        names={
            "en": "inglese",
            "fr": "francese",
            "es": "spagnolo",
            "de": "tedesco",
            "it": "italiano",
            "pt": "portoghese",
            "nl": "olandese",
        },
        written="La nostra informativa sulla privacy è scritta in {name}, quindi posso "
        "rispondere solo a domande poste in {name}.",
        not_written="La nostra informativa sulla privacy non è scritta in italiano, quindi qui "
        "non posso rispondere a domande in italiano.",
        contact="Per una risposta in italiano, contatti {owner}: {contact}.",
        email="scriva a {email}",
        phone="chiami il numero {phone}",
        either=" oppure ",
        no_contact="consulti i recapiti indicati sul nostro sito",
        company="l'azienda",
    ),
    "pt": Reply(
        names={
            "en": "inglês",
            "fr": "francês",
            "es": "espanhol",
            "de": "alemão",
            "it": "italiano",
            "pt": "português",
            "nl": "neerlandês",
        },
        written="A nossa política de privacidade está escrita em {name}, por isso só posso "
        "responder a perguntas feitas em {name}.",
        not_written="A nossa política de privacidade não está escrita em português, por isso "
        "não posso responder aqui a perguntas em português.",
        contact="Para obter uma resposta em português, fale com {owner}: {contact}.",
        email="envie um e-mail para {email}",
        phone="ligue para {phone}",
        either=" ou ",
        no_contact="veja as informações de contato no nosso site",
        company="a empresa",
    ),
    "nl": Reply(
        names={
            "en": "Engels",
            "fr": "Frans",
            "es": "Spaans",
            "de": "Duits",
            "it": "Italiaans",
            "pt": "Portugees",
            "nl": "Nederlands",
        },
        written="Onze privacyverklaring is in het {name} geschreven, dus ik kan alleen vragen "
        "in het {name} beantwoorden.",
        not_written="Onze privacyverklaring is niet in het Nederlands geschreven, dus ik kan "
        "hier geen vragen in het Nederlands beantwoorden.",
        contact="Voor een antwoord in het Nederlands kunt u contact opnemen met {owner}: "
        "{contact}.",
        email="mail naar {email}",
        phone="bel {phone}",
        either=" of ",
        no_contact="gebruik de contactgegevens op onze website",
        company="het bedrijf",
    ),
}


@dataclass(frozen=True, slots=True)
class Detection:
    language: str  # ISO 639-1
    confidence: float  # the share of the question's text in that language, 0 to 1


@dataclass(frozen=True, slots=True)
class PolicyLanguage:
    language: str | None  # None when the policy's language is not clear: then nothing is done
    words: frozenset[str]  # the policy's own words, lower case


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def read(text: str, hint: str | None = None) -> tuple[bool, str, int]:
    """CLD2's reading of the text: whether it is reliable, the language (ISO 639-1 for the
    languages here) and the percentage of the text in it. `hint`: the likelier language."""
    hints = {"hintLanguage": hint} if hint in _KNOWN else {}
    try:
        reliable, _, found = pycld2.detect(_UNREADABLE.sub(" ", text), **hints)
    except pycld2.error:  # what it still cannot read is no language it knows
        return False, "un", 0
    return bool(reliable), str(found[0][1]), int(found[0][2])


def policy_language(policy: Policy) -> PolicyLanguage:
    """The policy's language, if the detector is sure of it, and its vocabulary."""
    sample: list[str] = []
    size = 0
    for clause in policy.clauses:
        if size >= POLICY_SAMPLE_CHARS:
            break
        sample.append(clause.text)
        size += len(clause.text) + 1
    reliable, code, share = read(" ".join(sample))
    vocabulary = frozenset(
        w for text in (policy.title, *(c.text for c in policy.clauses)) for w in words(text)
    )
    return PolicyLanguage(code if reliable and share >= 70 else None, vocabulary)


def detect(question: str, policy: PolicyLanguage) -> Detection | None:
    """The question's language, when it is reliably one we can reply in and not the
    policy's; None otherwise (then the engine answers as usual)."""
    said = words(question)
    if policy.language is None or len(said) < MIN_WORDS:
        return None
    if sum(w in policy.words for w in said) >= SHARED_WORDS * len(said):
        return None
    reliable, code, share = read(question, hint=policy.language)
    if not reliable or share < CONFIDENT or code == policy.language or code not in REPLIES:
        return None
    return Detection(code, share / 100)


def reply_text(language: str, policy_language: str, owner: str | None, contact: Contact) -> str:
    """In `language`: the policy is written in another language; ask the owner instead."""
    reply = REPLIES[language]
    name = reply.names.get(policy_language)
    first = reply.written.format(name=name) if name else reply.not_written
    parts = []
    if contact.email:
        parts.append(reply.email.format(email=contact.email))
    if contact.phone:
        parts.append(reply.phone.format(phone=contact.phone))
    how = reply.either.join(parts) or reply.no_contact
    return f"{first} {reply.contact.format(owner=owner or reply.company, contact=how)}"
