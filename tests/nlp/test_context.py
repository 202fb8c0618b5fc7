"""assess: ConText flags on hand-written sentences, general English and social-care English."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
import spacy

from nlp.context import (
    ContextEngine,
    ContextRule,
    ContextRuleError,
    assess,
    assess_span,
    SwappedLetters,
    load_rules,
    parse_rules,
    sentence_bounds,
    status_of,
)


def status(text: str, target: str) -> str:
    """The contracted status of the first occurrence of ``target`` in ``text``."""
    start = text.index(target)
    return status_of(assess(text, start, start + len(target)))


def experiencer(text: str, target: str) -> str:
    start = text.index(target)
    return assess(text, start, start + len(target))["experiencer"]


@pytest.mark.parametrize(
    ("text", "target", "expected"),
    [
        # negation and its scope
        ("No concerns about drugs but alcohol use continues.", "drugs", "negated"),
        ("No concerns about drugs but alcohol use continues.", "alcohol use", "current"),
        ("Mum denies drug use.", "drug use", "negated"),
        ("Dad denied hitting mum.", "hitting mum", "negated"),
        ("Nil concerns re school attendance.", "school attendance", "negated"),
        ("There is no evidence of neglect.", "neglect", "negated"),
        ("No signs of bruising, marks or injuries.", "injuries", "negated"),
        ("He didn't hit her.", "hit her", "negated"),
        ("The home was free of hazards.", "hazards", "negated"),
        ("DA was ruled out.", "DA", "negated"),
        ("Chest examination unremarkable.", "Chest examination", "negated"),
        ("There are no signs of neglect; however the home was dirty.", "home was dirty", "current"),
        ("Mum says she has never used drugs, although police found cannabis.", "cannabis", "current"),
        ("Mum did not want to talk, and dad was shouting at the children.", "shouting", "current"),
        # pseudo-negation and double negation
        ("Not only drinking but using cannabis too.", "drinking", "current"),
        ("There has been no increase in drinking.", "drinking", "current"),
        ("There has been no change in dad's drinking.", "drinking", "current"),
        ("Mum did not deny drinking.", "drinking", "current"),
        ("No further action was taken about the assault.", "assault", "current"),
        ("This is not the first time dad has assaulted mum.", "assaulted mum", "current"),
        ("He would not stop hitting his brother.", "hitting", "current"),
        ("Child was not brought to the appointment.", "was not brought", "current"),
        # hypothetical and planned
        ("If dad returns to the home the children will be at risk.", "returns to the home", "hypothetical"),
        ("ICPC to be convened.", "ICPC", "hypothetical"),
        ("A strategy discussion is due on Monday.", "strategy discussion", "hypothetical"),
        ("Mum will attend the review next week.", "attend the review", "hypothetical"),
        ("Safety plan for if dad turns up at the house.", "turns up", "hypothetical"),
        ("Mum would call the police in the event that dad returns.", "dad returns", "hypothetical"),
        ("The child is at risk of CSE.", "CSE", "hypothetical"),
        ("Police attended the next day.", "Police attended", "current"),
        # historical background
        ("Mum has a history of DA in a previous relationship.", "DA", "historical"),
        ("Dad previously used heroin but now uses methadone.", "heroin", "historical"),
        ("Dad previously used heroin but now uses methadone.", "methadone", "current"),
        ("Mum no longer drinks.", "drinks", "historical"),
        ("Mum had a period of depression many years ago.", "depression", "historical"),
        ("Historical concerns about neglect were noted.", "neglect", "historical"),
        ("At the previous visit mum was drunk.", "drunk", "current"),
        # uncertain and alleged
        ("Alleged assault on mum by dad.", "assault", "uncertain"),
        ("Possible bruising to the left arm.", "bruising", "uncertain"),
        ("Dad is suspected of dealing drugs.", "dealing drugs", "uncertain"),
        ("Mum may have been drinking.", "drinking", "uncertain"),
        ("?DA, to be explored.", "DA", "uncertain"),
        ("NAI cannot be ruled out.", "NAI", "uncertain"),
        ("It is unclear whether dad is living at the address.", "living at the address", "uncertain"),
        ("Dad reportedly assaulted a neighbour.", "assaulted", "uncertain"),
        ("In May mum was drinking heavily.", "drinking heavily", "current"),
        # plain current statements
        ("Dad was drunk during the visit.", "drunk", "current"),
        ("Police were called after dad hit mum.", "hit mum", "current"),
        # general English, not only case notes
        ("The patient denies chest pain.", "chest pain", "negated"),
        ("There is no evidence of pneumonia on the X-ray.", "pneumonia", "negated"),
        ("Rule out pneumonia if the fever persists.", "fever persists", "hypothetical"),
        ("The river may flood next spring.", "flood", "uncertain"),
    ],
)
def test_status(text, target, expected):
    assert status(text, target) == expected


@pytest.mark.parametrize(
    ("text", "target", "expected"),
    [
        ("Maternal grandfather was an alcoholic.", "alcoholic", "other"),
        ("Family history of schizophrenia.", "schizophrenia", "other"),
        ("Her father had a drink problem.", "drink problem", "other"),
        ("Her father drank heavily when she was a child.", "drank heavily", "other"),
        ("Mum's sister is a heroin user.", "heroin user", "other"),
        ("A neighbour was arrested for drug dealing.", "drug dealing", "other"),
        ("Another child at school was hitting him.", "hitting", "other"),
        ("The patient's mother had breast cancer.", "breast cancer", "other"),
        # the household is the subject (Principle 3)
        ("Dad was drunk during the visit.", "drunk", "subject"),
        ("Mum is drinking daily.", "drinking", "subject"),
        ("Maternal grandfather was violent and mum drinks daily.", "drinks daily", "subject"),
        ("A neighbour reported that dad was shouting.", "shouting", "subject"),
        ("Mum's partner assaulted her.", "assaulted", "subject"),
    ],
)
def test_experiencer(text, target, expected):
    assert experiencer(text, target) == expected


def test_family_history_is_also_historical():
    text = "Her father drank heavily when she was a child."
    start = text.index("drank")
    assert assess(text, start, start + len("drank heavily")) == {
        "negated": False, "historical": True, "hypothetical": False, "uncertain": False,
        "experiencer": "other"}


def test_negation_does_not_cross_sentences_or_lines():
    text = "No concerns about drugs.\nAlcohol use continues. Mum was drinking"
    for target in ("Alcohol use", "drinking"):
        assert status(text, target) == "current"
    assert status("Concerns:\n- no drugs\n- alcohol use", "alcohol use") == "current"


def test_a_hard_wrapped_line_is_still_one_sentence():
    assert status("There are no concerns about\nalcohol use.", "alcohol use") == "negated"


def test_scope_is_limited_to_a_few_words():
    text = "Mum did not attend the meeting on Monday because she was at the hospital with her sister's baby."
    assert status(text, "hospital") == "current"


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ({"negated": True, "hypothetical": True, "uncertain": True, "historical": True}, "negated"),
        ({"negated": False, "hypothetical": True, "uncertain": True, "historical": True}, "hypothetical"),
        ({"negated": False, "hypothetical": False, "uncertain": True, "historical": True}, "uncertain"),
        ({"negated": False, "hypothetical": False, "uncertain": False, "historical": True}, "historical"),
        ({"negated": False, "hypothetical": False, "uncertain": False, "historical": False}, "current"),
    ],
)
def test_status_precedence_is_the_contracted_one(flags, expected):
    assert status_of(flags) == expected


def test_assess_returns_exactly_the_contracted_keys():
    result = assess("Mum denies drinking.", 12, 20)
    assert set(result) == {"negated", "historical", "hypothetical", "uncertain", "experiencer"}
    assert result["negated"] is True


def test_assess_refuses_a_span_outside_the_text():
    with pytest.raises(ValueError):
        assess("short", 2, 50)


def test_sentence_bounds_skip_abbreviations():
    text = "Seen by Dr. Smith c. 2019 at home. No concerns."
    assert [text[a:b].strip() for a, b in sentence_bounds(text)] == [
        "Seen by Dr. Smith c. 2019 at home.", "No concerns."]


# --- the doc-aware path agrees with assess ------------------------------------------------

@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("No concerns about drugs but alcohol use continues.", "drugs"),
        ("No concerns about drugs but alcohol use continues.", "alcohol use"),
        ("Seen at home. Dad denies hitting mum. ICPC to be convened.", "ICPC"),
        ("Seen at home. Dad denies hitting mum. ICPC to be convened.", "hitting mum"),
    ],
)
def test_assess_span_on_a_doc_agrees_with_assess(text, target):
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    doc = nlp(text)
    start = text.index(target)
    assert assess_span(doc, start, start + len(target)) == assess(text, start, start + len(target))


def test_assess_span_works_on_a_doc_without_sentences():
    doc = spacy.blank("en")("Seen at home. Dad denies hitting mum.")
    start = doc.text.index("hitting")
    assert assess_span(doc, start, start + 7)["negated"] is True
    assert assess_span(doc, 0, 4)["negated"] is False


# --- rules are data, validated on load ----------------------------------------------------

def test_the_packaged_rules_load():
    rules = load_rules()
    assert len(rules) > 100
    assert {r.category for r in rules} >= {"NEGATED", "HYPOTHETICAL", "HISTORICAL", "UNCERTAIN",
                                            "OTHER_EXPERIENCER", "TERMINATE"}


@pytest.mark.parametrize(
    "rule",
    [
        {"category": "NEGATED", "literal": "no", "direction": "forward", "colour": "red"},
        {"category": "NEGATIVE", "literal": "no", "direction": "forward"},
        {"category": "NEGATED", "literal": "no", "direction": "sideways"},
        {"category": "NEGATED", "direction": "forward"},
        {"category": "NEGATED", "literal": "no", "pattern": "no", "direction": "forward"},
        {"category": "NEGATED", "pattern": "(unclosed", "direction": "forward"},
        {"category": "NEGATED", "literal": "no", "direction": "forward", "max_scope": 0},
        {"category": "TERMINATE", "literal": "but", "direction": "forward"},
        {"category": "NEGATED", "literal": "no", "direction": "forward", "inside": "yes"},
        {"category": "TERMINATE", "literal": "but", "direction": "terminate", "inside": True},
    ],
)
def test_a_bad_rule_is_refused(rule):
    with pytest.raises(ContextRuleError):
        parse_rules([json.dumps(rule)])


def test_an_engine_runs_on_its_own_rules():
    engine = ContextEngine([
        ContextRule.from_dict({"category": "NEGATED", "literal": "sans", "direction": "forward"}),
        ContextRule.from_dict({"category": "TERMINATE", "literal": "mais", "direction": "terminate"}),
    ])
    sentence = "sans alcool mais tabac"
    assert engine.assess_in_sentence(sentence, 5, 11)["negated"] is True
    assert engine.assess_in_sentence(sentence, 17, 22)["negated"] is False


# --- a mention that holds its own triggers --------------------------------------------------

@pytest.mark.parametrize(
    ("text", "mention", "expected"),
    [
        # the words of the concept itself are not context
        ("Child was not brought to the appointment.", "was not brought", "current"),
        ("Mum is not coping.", "not coping", "current"),
        ("There was no food in the house.", "no food in the house", "current"),
        ("Mum is no longer drinking.", "no longer drinking", "current"),
        # a whole clause is assessed by the triggers it opens with
        ("Alleged assault by dad.", "Alleged assault by dad", "uncertain"),
        ("History of domestic abuse in mum's relationship.", "History of domestic abuse", "historical"),
        ("Mum denies any drug use.", "Mum denies any drug use", "negated"),
        ("No concerns re alcohol.", "No concerns re alcohol", "negated"),
    ],
)
def test_triggers_inside_the_mention(text, mention, expected):
    assert status(text, mention) == expected


@pytest.mark.parametrize(
    ("text", "target", "expected"),
    [
        ("DA: mum says she has had no contact with Mark.", "DA", "negated"),
        ("Home conditions have improved.", "Home conditions", "negated"),
        ("Lily may be at risk of emotional harm.", "emotional harm", "uncertain"),
        ("Lily has been going to bed after 11pm.", "going to bed after 11pm", "current"),
        ("The family are in debt to a loan shark according to Nan.", "in debt", "uncertain"),
        ("She was in an abusive relationship with him from 2014.", "abusive relationship", "historical"),
        ("Gran said she has not seen any signs of drinking.", "drinking", "negated"),
        ("Nan said her late husband was violent when drunk.", "violent", "historical"),
        ("No concerns about home conditions - the house was clean.", "clean", "current"),
        ("The core group was cancelled.", "core group", "negated"),
        ("The ICPC has been postponed.", "ICPC", "hypothetical"),
        ("The school reduced her timetable.", "timetable", "current"),
        ("Mum has reduced her drinking.", "drinking", "current"),  # less is still some
        ("Dad has cut down on his drinking.", "drinking", "current"),
    ],
)
def test_case_note_shapes(text, target, expected):
    assert status(text, target) == expected


def test_assess_span_reads_a_heading_with_its_answer_even_when_the_parser_splits_them():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer", config={"punct_chars": [".", ":"]})
    doc = nlp("Core group. DA: mum says she has had no contact with Mark.")
    start = doc.text.index("DA")
    assert assess_span(doc, start, start + 2)["negated"] is True


_WORDS = st.sampled_from(["no", "not", "denies", "if", "history of", "possible", "grandfather", "but", ";",
                          "mum", "drinks", "alcohol", "?", "DA", ":", "-", ".", "\n", "n't", "was", "the"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_WORDS, st.text(max_size=5)), max_size=15), st.data())
def test_any_text_and_span_gives_the_contracted_shape(words, data):
    text = " ".join(words)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    result = assess(text, start, end)
    assert set(result) == {"negated", "historical", "hypothetical", "uncertain", "experiencer"}
    assert all(isinstance(result[k], bool) for k in ("negated", "historical", "hypothetical", "uncertain"))
    assert result["experiencer"] in ("subject", "other")


@pytest.mark.parametrize(
    ("text", "target", "expected"),
    [
        ("Mum said she would never leave the children alone.", "leave the children alone", "negated"),
        ("Mum said that should Paul be released from custody she would not let him back.", "let him back",
         "hypothetical"),
        ("He would not stop hitting his brother.", "hitting", "current"),
    ],
)
def test_refusals_promises_and_never(text, target, expected):
    assert status(text, target) == expected


@pytest.mark.parametrize(
    ("text", "target", "expected"),
    [
        # clinical ConText sentences: the algorithm is general English
        ("No evidence of pneumonia.", "pneumonia", "negated"),
        ("Patient denies chest pain.", "chest pain", "negated"),
        ("Rule out MI.", "MI", "uncertain"),
        ("History of asthma.", "asthma", "historical"),
        ("If symptoms worsen, return to clinic.", "symptoms worsen", "hypothetical"),
        ("Negative for tuberculosis.", "tuberculosis", "negated"),
        ("The patient has no fever or chills.", "chills", "negated"),
        ("Nothing to suggest drug use.", "drug use", "negated"),
        ("Past medical history: hypertension.", "hypertension", "historical"),
        ("Status post appendectomy.", "appendectomy", "historical"),
        ("Suspicious for malignancy.", "malignancy", "uncertain"),
        ("Differential includes sepsis.", "sepsis", "uncertain"),
        ("Watch for signs of infection.", "infection", "hypothetical"),
        ("School to monitor for signs of neglect.", "neglect", "hypothetical"),
        ("Mum is due to attend court on 3 May.", "attend court", "hypothetical"),
        ("Mum was late due to the bus strike.", "bus strike", "current"),
        ("Fracture was excluded.", "Fracture", "negated"),
        ("Nobody was hurt.", "hurt", "negated"),
        ("Police could not find any drugs.", "drugs", "negated"),
        ("Mum could not stop crying.", "crying", "current"),
        ("Mum reports a history of depression and current low mood.", "depression", "historical"),
        ("Mum reports a history of depression and current low mood.", "low mood", "current"),
        ("Mum denies drinking but admits to using cannabis.", "cannabis", "current"),
        ("No missing episodes this month but school attendance is poor.", "school attendance", "current"),
        ("It is not known whether dad is using drugs.", "using drugs", "uncertain"),
        ("Tyler has been excluded from school for five days after fighting.", "fighting", "current"),
        # denials whose trigger follows the concern
        ("Private fostering does not apply as grandmother is a relative.", "Private fostering", "negated"),
        ("Private fostering not applicable.", "Private fostering", "negated"),
        ("Gran has not seen any signs of drinking.", "signs of drinking", "negated"),
        # a negation trigger that runs into the mention still negates it, and no further
        ("Mum is not engaging well with the family support worker.", "engaging well with", "negated"),
        ("Mum is not engaging with the drug service and drug use continues.", "drug use", "current"),
        ("Mum has stopped smoking.", "stopped smoking", "current"),
        # unreported is not absent
        ("Mum disclosed further incidents that were not reported.", "further incidents", "current"),
        # plans and conditions
        ("Should mum resume drinking, the children would be at risk.", "drinking", "hypothetical"),
        ("Mum agreed to attend the Freedom Programme.", "Freedom Programme", "hypothetical"),
        ("Mum agreed to a safety plan.", "safety plan", "current"),
        # reported speech is current; a hedge makes it uncertain
        ("Mum said she had a few drinks last Friday.", "a few drinks", "current"),
        ("Mum said she may have had a few drinks.", "a few drinks", "uncertain"),
        ("Mum has reported further abusive texts from Paul.", "abusive texts", "current"),
        ("Mum disclosed that Paul had hit her.", "hit her", "current"),
        ("Skye said she does not like it when Paul shouts.", "Paul shouts", "current"),
        # past background and the present
        ("There was a DA incident last week.", "DA incident", "current"),
        ("There have been five DA call outs in the last two years.", "DA call outs", "current"),
        # a slip of the keyboard in a trigger
        ("There are concenrs that Lily is being exploited.", "being exploited", "uncertain"),
        ("He was known to police for drug supply in the psat.", "drug supply", "historical"),
        # 'appeared' is what the worker saw; 'seems' is a hedge
        ("The child appeared unkempt.", "unkempt", "current"),
        ("Dad seemed drunk.", "drunk", "uncertain"),
        # a letter whose lower case is longer does not shift the offsets
        ("İlkay said there was no alcohol in the home.", "alcohol", "negated"),
    ],
)
def test_more_general_english(text, target, expected):
    assert status(text, target) == expected


@pytest.mark.parametrize(
    ("text", "target", "expected"),
    [
        ("Family history of diabetes.", "diabetes", "other"),
        ("Her father had a stroke.", "stroke", "other"),
        ("Mother has diabetes.", "diabetes", "subject"),
        ("Mum said she had a few drinks last Friday.", "a few drinks", "subject"),
        ("Nan has dementia.", "dementia", "other"),
        ("Nan lives with the family and has dementia.", "dementia", "subject"),
        ("Neighbours have reportedly heard shouting at the property.", "shouting", "subject"),
        ("The neighbour is a heavy drinker.", "heavy drinker", "other"),
    ],
)
def test_more_experiencers(text, target, expected):
    assert experiencer(text, target) == expected


def test_swapped_letters_are_corrected_in_place():
    spelling = SwappedLetters(["concerns", "appointments", "compliant"],
                              known=frozenset({"concerns", "appointments", "compliant", "complaint"}))
    text = "Concenrs about missed appointmetns; a complaint was made."
    fixed = spelling.fix(text)
    assert fixed == "Concerns about missed appointments; a complaint was made."
    assert len(fixed) == len(text)


def test_no_word_list_means_no_correction():
    assert SwappedLetters(["concerns"], known=frozenset()).fix("concenrs") == "concenrs"
