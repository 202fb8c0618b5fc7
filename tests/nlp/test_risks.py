"""Risk and strength mentions: categories, CIN codes by whom the concern is about, context."""
from __future__ import annotations

import json

import pytest
import spacy

from nlp.risks import RISK_CATEGORIES, RiskFinder, choose_cin_code, load_taxonomy, read_risk_rules


def mention(text: str, phrase: str, **fields) -> dict:
    start = text.index(phrase)
    row = {"start": start, "end": start + len(phrase), "text": phrase, "kind": "family", "role": None,
           "relationship": "unknown", "side": None, "name": None, "child": False}
    row.update(fields)
    return row


@pytest.fixture(scope="module")
def blank():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("caselens_risks")
    return nlp


def run(nlp, text: str, mentions: list[dict] | None = None):
    doc = nlp.make_doc(text)
    doc._.mentions = mentions or []
    return nlp(doc)


def only(rows: list[dict], category: str) -> dict:
    found = [row for row in rows if row["category"] == category]
    assert len(found) == 1, rows
    return found[0]


# --- CIN codes: who the concern is about ---------------------------------------------------

def test_a_parents_drinking_is_coded_to_the_parent(blank):
    text = "Mum smelt of alcohol when I visited."
    doc = run(blank, text, [mention(text, "Mum", relationship="mother", role="mum")])
    risk = only(doc._.risks, "alcohol_misuse")
    assert risk["cin_code"] == "1B"
    assert text[risk["start"]:risk["end"]] == risk["text"] == "Mum smelt of alcohol when I visited"
    assert (risk["person_start"], risk["person_end"]) == (0, 3)


def test_the_childs_own_drug_use_is_coded_to_the_child(blank):
    text = "The young person admitted smoking cannabis most days."
    doc = run(blank, text, [mention(text, "The young person", role="child", child=True)])
    assert only(doc._.risks, "drug_misuse")["cin_code"] == "2A"


def test_another_household_members_drug_use_is_coded_to_the_household(blank):
    text = "Mum's partner uses cocaine at weekends."
    doc = run(blank, text, [mention(text, "Mum's partner", relationship="parent_partner", role="partner")])
    assert only(doc._.risks, "drug_misuse")["cin_code"] == "2C"


def test_physical_abuse_code_follows_the_alleged_perpetrators_age(nlp):
    by_child = nlp("His older brother punched him in the face.")
    by_adult = nlp("His stepdad punched him in the face.")
    assert only(by_child._.risks, "physical_abuse")["cin_code"] == "18B"
    assert only(by_adult._.risks, "physical_abuse")["cin_code"] == "18C"


def test_a_peer_assault_is_child_on_child(blank):
    doc = run(blank, "She was assaulted by a peer at school.")
    assert only(doc._.risks, "physical_abuse")["cin_code"] == "18B"


@pytest.mark.parametrize(
    ("text", "category", "code"),
    [
        ("He has been self-harming by cutting his arms.", "self_harm", "15A"),
        ("Tyler is privately fostered by a family friend.", "privately_fostered", "8F"),
        ("There are concerns about county lines involvement.", "cce", "24A"),
        ("Police found him carrying a knife.", "weapons", None),
        ("The family are in rent arrears and face eviction.", "housing", None),
        ("Tyler was not brought to the dental appointment.", "was_not_brought", None),
        ("Concerns about FGM were raised by the school nurse.", "fgm", "22A"),
        ("Dad believes the child is possessed by evil spirits.", "faith_belief_abuse", "23A"),
    ],
)
def test_single_code_and_uncoded_families(blank, text, category, code):
    doc = run(blank, text)
    assert only(doc._.risks, category)["cin_code"] == code


def test_domestic_abuse_against_a_parent_is_3b(nlp):
    doc = nlp("Dad punched mum during an argument.")
    assert only(doc._.risks, "domestic_abuse")["cin_code"] == "3B"


def test_code_choice_rules():
    taxonomy = load_taxonomy()
    assert choose_cin_code(taxonomy, "mental_health", "child", None) == "4A"
    assert choose_cin_code(taxonomy, "mental_health", "household", None) == "4C"
    assert choose_cin_code(taxonomy, "mental_health", None, None) == "4B"
    assert choose_cin_code(taxonomy, "sexual_abuse", None, "child") == "19B"
    assert choose_cin_code(taxonomy, "sexual_abuse", None, None) == "19C"
    assert choose_cin_code(taxonomy, "privately_fostered", None, None, "8D") == "8D"
    assert choose_cin_code(taxonomy, "housing", "parent", None) is None


def test_taxonomy_covers_every_category():
    taxonomy = load_taxonomy()
    assert set(taxonomy) == set(RISK_CATEGORIES)
    assert set(taxonomy["alcohol_misuse"].labels) == {"1A", "1B", "1C"}


# --- context: negation, hypothetical, historical, uncertain, family history ------------------

def test_negation_stops_at_but(nlp):
    doc = nlp("No concerns about drugs but alcohol use continues.")
    assert only(doc._.risks, "drug_misuse")["status"] == "negated"
    alcohol = only(doc._.risks, "alcohol_misuse")
    assert alcohol["status"] == "current" and not alcohol["negated"]


@pytest.mark.parametrize(
    "text",
    ["Not only is mum drinking heavily, she is also using cocaine.", "There has been no increase in her drinking."],
)
def test_pseudo_negation_leaves_the_concern_current(nlp, text):
    assert only(nlp(text)._.risks, "alcohol_misuse")["status"] == "current"


def test_denial_is_negated(nlp):
    doc = nlp("Mum denies any drug use.")
    assert only(doc._.risks, "drug_misuse")["negated"]


def test_hypothetical_return_is_not_current(nlp):
    doc = nlp("If dad returns to the home, the children would be at risk of domestic abuse.")
    risk = only(doc._.risks, "domestic_abuse")
    assert risk["hypothetical"] and risk["status"] == "hypothetical"


def test_history_is_historical(nlp):
    doc = nlp("Mum has a history of depression.")
    risk = only(doc._.risks, "mental_health")
    assert risk["status"] == "historical"


def test_alleged_is_uncertain(nlp):
    doc = nlp("It is alleged that dad hit mum.")
    assert only(doc._.risks, "domestic_abuse")["status"] == "uncertain"


def test_family_history_is_about_someone_else(nlp):
    doc = nlp("Her maternal grandfather was an alcoholic.")
    risk = only(doc._.risks, "alcohol_misuse")
    assert risk["experiencer"] == "other"
    assert risk["cin_code"] is None


def test_a_current_parental_risk_is_about_the_subject(nlp):
    doc = nlp("Mum was drinking heavily when I visited today.")
    risk = only(doc._.risks, "alcohol_misuse")
    assert (risk["status"], risk["experiencer"], risk["cin_code"]) == ("current", "subject", "1B")


# --- strengths ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Maternal grandmother provides support with childcare.", "family_support"),
        ("Mum is engaging well with the family support worker.", "engagement_with_services"),
        ("His attendance is good this term.", "school_attendance"),
        ("Home conditions were good.", "parenting_capacity"),
        ("A safety plan is in place.", "safety_plan"),
        ("Dad has been abstinent from alcohol for six months.", "recovery"),
    ],
)
def test_protective_factors(blank, text, category):
    doc = run(blank, text)
    assert [row["category"] for row in doc._.strengths] == [category]


def test_recovery_is_not_reported_as_a_drinking_risk(blank):
    doc = run(blank, "Dad has been abstinent from alcohol for six months.")
    assert doc._.risks == []


def test_a_granted_order_is_protective_not_a_new_concern(blank):
    doc = run(blank, "A non-molestation order was granted against him for 12 months.")
    assert doc._.risks == []
    assert [row["category"] for row in doc._.strengths] == ["safety_plan"]


def test_a_denied_strength_does_not_hide_the_concern(nlp):
    doc = nlp("Mum is not abstinent from alcohol.")
    assert only(doc._.risks, "alcohol_misuse")  # shown for the worker to judge, not hidden
    assert only(doc._.strengths, "recovery")["status"] == "negated"


def test_a_harm_named_with_its_cause_is_one_concern(blank):
    doc = run(blank, "Tyler may be at risk of emotional harm from witnessing DA.")
    assert [row["category"] for row in doc._.risks] == ["emotional_abuse"]


def test_insight_into_harm_is_a_strength(blank):
    doc = run(blank, "She is starting to understand the impact of DA on the children.")
    assert doc._.risks == []
    assert [row["category"] for row in doc._.strengths] == ["parenting_capacity"]


def test_unmet_basic_needs_are_not_a_strength(blank):
    doc = run(blank, "He is experiencing neglect of his basic needs.")
    assert doc._.strengths == []
    assert [row["category"] for row in doc._.risks] == ["neglect"]


def test_a_plan_category_names_the_concern(blank):
    doc = run(blank, "Tyler was made subject to a CP plan under the category of neglect.")
    assert only(doc._.risks, "neglect")["status"] == "current"


def test_good_home_conditions_are_not_a_risk(blank):
    doc = run(blank, "Home conditions were good.")
    assert doc._.risks == []


def test_negated_strength_keeps_its_flag(nlp):
    doc = nlp("Grandmother is not supportive of mum.")
    strength = only(doc._.strengths, "family_support")
    assert strength["negated"] and strength["status"] == "negated"


@pytest.mark.parametrize("text", ["Mum is not engaging with services.", "Mum has not engaged with the parenting course."])
def test_non_engagement_is_never_an_engagement_strength(nlp, text):
    doc = nlp(text)
    assert all(row["status"] == "negated" for row in doc._.strengths)
    assert not any(row["status"] == "current" for row in doc._.risks + doc._.strengths)


def test_evidence_is_the_clause_not_the_whole_sentence(blank):
    text = "Mum has asthma and finds the housework hard; she denies drinking."
    doc = run(blank, text)
    illness = only(doc._.risks, "physical_disability_illness")
    assert illness["text"] == "Mum has asthma and finds the housework hard"
    assert only(doc._.risks, "alcohol_misuse")["text"] == "she denies drinking"


def test_one_concern_in_one_clause_is_one_mention(blank):
    doc = run(blank, "He has been self-harming by cutting his arms.")
    assert len(doc._.risks) == 1


def test_a_service_name_is_not_a_concern(blank):
    text = "Mum met the IDVA and the CAMHS worker."
    mentions = [mention(text, "IDVA", kind="professional"), mention(text, "CAMHS", kind="agency")]
    assert run(blank, text, mentions)._.risks == []


def test_rows_have_the_contracted_keys(blank):
    doc = run(blank, "Mum smelt of alcohol. Grandmother is very supportive.")
    risk_keys = {"start", "end", "text", "category", "cin_code", "negated", "historical", "hypothetical",
                 "uncertain", "status", "experiencer", "person_start", "person_end"}
    assert set(doc._.risks[0]) == risk_keys
    assert set(doc._.strengths[0]) == risk_keys - {"cin_code"}


# --- rules as data -----------------------------------------------------------------------------

def test_rules_round_trip_through_disk(blank, tmp_path):
    finder = blank.get_pipe("caselens_risks")
    finder.to_disk(tmp_path / "risks")
    nlp = spacy.blank("en")
    restored = RiskFinder(nlp, risk_rules=[], strength_rules=[]).from_disk(tmp_path / "risks")
    assert restored.risk_rules == finder.risk_rules
    assert restored.strength_rules == finder.strength_rules
    assert [r["category"] for r in restored(nlp.make_doc("Dad uses cannabis."))._.risks] == ["drug_misuse"]


def test_pipeline_saved_and_loaded_keeps_the_component(blank, tmp_path):
    blank.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded.pipe_names == blank.pipe_names
    assert [r["category"] for r in run(loaded, "Mum smelt of alcohol.")._.risks] == ["alcohol_misuse"]


def test_custom_rules_are_used(tmp_path):
    nlp = spacy.blank("en")
    finder = RiskFinder(nlp, risk_rules=[{"category": "gangs", "phrases": ["postcode rivalry"]}], strength_rules=[])
    doc = finder(nlp.make_doc("Police are worried about postcode rivalry."))
    assert [(r["category"], r["cin_code"]) for r in doc._.risks] == [("gangs", "13A")]


@pytest.mark.parametrize(
    "row",
    [
        {"category": "alcohol_misuse", "phrases": ["drunk"], "colour": "red"},
        {"category": "drinking", "phrases": ["drunk"]},
        {"category": "alcohol_misuse"},
        {"category": "alcohol_misuse", "phrases": ["drunk"], "about": "neighbour"},
        {"category": "alcohol_misuse", "phrases": ["drunk"], "cin_code": "2B"},
        {"category": "physical_abuse", "phrases": ["injuries"], "only_negated": "yes"},
    ],
)
def test_bad_rules_are_refused(row):
    with pytest.raises(ValueError):
        read_risk_rules(json.dumps(row))


# --- denials, improvements and slips of the keyboard ----------------------------------------

@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("No injuries seen.", "physical_abuse"),
        ("No marks or bruises were seen on the children.", "physical_abuse"),
        ("There have been no further incidents.", "domestic_abuse"),
        ("There is no evidence of DA.", "domestic_abuse"),
        ("No signs of neglect.", "neglect"),
        ("Mum denies any drug use.", "drug_misuse"),
        ("Nil concerns re alcohol.", "alcohol_misuse"),
        ("No DA reported since the last visit.", "domestic_abuse"),
        ("She has not seen any signs of drinking.", "alcohol_misuse"),
        ("Private fostering does not apply as grandmother is a relative.", "privately_fostered"),
        ("Mum denies any thoughts of harming herself.", "mental_health"),
        ("There was no evidence of alcohol or drgus in the home.", "drug_misuse"),
    ],
)
def test_a_denied_concern_is_recorded_as_negated(blank, text, category):
    assert only(run(blank, text)._.risks, category)["status"] == "negated"


@pytest.mark.parametrize(
    "text",
    [
        "Jay attended A&E with a wrist injury after falling off his bike.",
        "No incidents at school this week.",
        "No concerns from school.",  # names no concern: nothing to record
    ],
)
def test_words_that_count_only_when_denied(blank, text):
    assert run(blank, text)._.risks == []


def test_unreported_incidents_are_not_denied(blank):
    doc = run(blank, "Mum disclosed further incidents that were not reported, including being strangled.")
    assert only(doc._.risks, "domestic_abuse")["status"] == "current"


def test_an_improvement_keeps_the_concern_as_negated_beside_the_strength(blank):
    doc = run(blank, "Home conditions have improved.")
    assert only(doc._.risks, "home_conditions")["status"] == "negated"
    assert only(doc._.strengths, "parenting_capacity")["status"] == "current"


def test_not_engaging_well_negates_the_engagement(nlp):
    doc = nlp("Mum is not engaging well with the family support worker.")
    assert all(row["status"] == "negated" for row in doc._.strengths)
    assert not any(row["category"] == "engagement_with_services" and row["status"] == "current"
                   for row in doc._.strengths)


def test_not_engaging_with_a_service_does_not_negate_the_concern_it_names(nlp):
    doc = nlp("Mum is not engaging with the drug service and drug use continues.")
    assert any(row["category"] == "drug_misuse" and row["status"] == "current" for row in doc._.risks)


@pytest.mark.parametrize(
    ("text", "category", "status"),
    [
        ("Mum has missed two antenatal appointmetns.", "was_not_brought", "current"),
        ("There are concenrs that Lily is being exploited.", "cce", "uncertain"),
        ("Dad was dirnking heavily.", "alcohol_misuse", "current"),
    ],
)
def test_swapped_letters_are_read_as_meant(blank, text, category, status):
    risk = only(run(blank, text)._.risks, category)
    assert risk["status"] == status
    assert risk["text"] in text  # the evidence is the worker's own words, slip included


@pytest.mark.parametrize(
    "text",
    [
        "Mum said she and Paul had an argument on Tuesday but nobody was hurt.",
        "Skye said she does not like it when Paul shouts.",
        "Police reported her partner was drunk and throwing things.",
        "Mum said she has been too scared to end the relationship.",
        "Police were called to a domestic at the property.",
    ],
)
def test_everyday_words_for_abuse_between_adults(blank, text):
    assert only(run(blank, text)._.risks, "domestic_abuse")["status"] == "current"


def test_reported_speech_is_current_and_a_hedge_makes_it_uncertain(blank):
    assert only(run(blank, "Mum has reported further abusive texts from Paul.")._.risks,
                "domestic_abuse")["status"] == "current"
    assert only(run(blank, "Neighbours have reportedly heard shouting at the property.")._.risks,
                "domestic_abuse")["status"] == "uncertain"


def test_words_after_a_dash_that_say_more_about_the_same_concern_are_one_mention(blank):
    text = "Family history of depression - maternal grandmother was treated for depression when mum was young."
    risk = only(run(blank, text)._.risks, "mental_health")
    assert (risk["start"], risk["end"]) == (0, len(text) - 1)
    assert risk["status"] == "historical"


def test_a_dash_between_a_denial_and_a_concern_keeps_them_apart(blank):
    rows = run(blank, "No concerns about alcohol - mum was drinking heavily today.")._.risks
    assert sorted(row["status"] for row in rows) == ["current", "negated"]


def test_previous_involvement_is_background(blank):
    text = "Previous involvement: Tyler was subject to a CP plan in another LA under the category of neglect."
    assert only(run(blank, text)._.risks, "neglect")["status"] == "historical"


def test_a_hedged_caring_role_is_uncertain(blank):
    text = "Skye has been helping with Freya and Olivia a lot and seems tired."
    assert only(run(blank, text)._.risks, "young_carer")["status"] == "uncertain"


@pytest.mark.parametrize(
    ("text", "category", "status"),
    [
        ("Mum says she will leave dad if he hits her again.", "domestic_abuse", "hypothetical"),
        ("Dad has been violent towards mum in the past.", "domestic_abuse", "historical"),
        ("Jay said dad hits him when he is naughty.", "physical_abuse", "current"),
        ("Mum is pregnant and has not booked with the midwife.", "neglect", "current"),
    ],
)
def test_present_tense_and_everyday_wording(blank, text, category, status):
    assert only(run(blank, text)._.risks, category)["status"] == status


def test_the_person_a_concern_is_about_comes_from_a_parse_of_its_sentence_alone(nlp):
    text = ("Home visit with Mum and Harley.\nThe flat was warm and tidy.\n"
            "Harley said he does not like it when Jamie Marsh shouts. Mum said Dad hit her.")
    doc = nlp(text)
    about = {risk["text"]: text[risk["person_start"]:risk["person_end"]] for risk in doc._.risks}
    assert about["Harley said he does not like it when Jamie Marsh shouts"] == "Jamie Marsh"
    assert about["Mum said Dad hit her"] == "Dad"
    assert not doc.has_annotation("DEP")  # only the sentences with a concern were parsed
