"""caselens_entities: roles, professionals, agencies and names, on hand-written sentences."""
from __future__ import annotations

from datetime import date

import pytest
import spacy

from nlp.entities import (
    EntityPattern,
    EntityRecogniser,
    EntityRulesError,
    find_birth_details,
    find_contacts,
    parse_household_cues,
    parse_patterns,
    parse_word_list,
)


@pytest.fixture(scope="module")
def blank():
    """Rules alone: a blank English pipeline with only the entities component."""
    nlp = spacy.blank("en")
    nlp.add_pipe("caselens_entities")
    return nlp


def mentions(nlp, text: str) -> dict[str, dict]:
    return {m["text"]: m for m in nlp(text)._.mentions}


# -- roles versus names -----------------------------------------------------------------------

def test_mum_is_a_role_not_a_name(nlp):
    found = mentions(nlp, "Mum said she had not slept. Dad was at work.")
    assert found["Mum"]["relationship"] == "mother" and found["Mum"]["name"] is None
    assert found["Dad"]["relationship"] == "father" and found["Dad"]["kind"] == "family"
    assert set(found) == {"Mum", "Dad"}


def test_name_followed_by_bracketed_role_is_linked(nlp):
    found = mentions(nlp, "Sarah (mum) said the children were asleep.")
    assert found["Sarah"]["relationship"] == "mother"
    assert found["mum"]["name"] == "Sarah"


def test_role_followed_by_bracketed_name_is_linked(blank):
    found = mentions(blank, "Visit to Mum (Sarah Jones) at home.")
    assert found["Mum"]["name"] == "Sarah Jones"
    assert found["Sarah Jones"]["relationship"] == "mother"


def test_partner_of_a_named_parent(nlp):
    found = mentions(nlp, "Sarah's partner Dan was present during the visit.")
    assert found["Dan"]["relationship"] == "parent_partner"
    assert found["Sarah"]["relationship"] == "unknown"


def test_grandmother_with_side_and_name(blank):
    found = mentions(blank, "The maternal grandmother Pat attended the meeting.")
    assert found["maternal grandmother"]["side"] == "maternal"
    assert found["Pat"]["relationship"] == "grandmother"


def test_foster_mum_is_a_foster_carer_not_a_mother(blank):
    found = mentions(blank, "Tyler told his foster mum that he misses his mum.")
    assert found["foster mum"]["relationship"] == "foster_carer"
    assert found["mum"]["relationship"] == "mother"


def test_child_name_mislabelled_by_the_model_is_a_person(nlp):
    found = mentions(nlp, "Tyler attends Hillside Primary School. Jade said she was scared.")
    assert found["Tyler"]["kind"] == "other"
    assert "Jade" in found
    assert found["Hillside Primary School"]["kind"] == "agency"


# -- professionals and agencies -----------------------------------------------------------------

def test_police_collar_number_with_surname(blank):
    found = mentions(blank, "PC 1234 Smith attended the address.")
    assert found["PC 1234"]["role"] == "police officer"
    assert found["Smith"]["name"] == "PC 1234 Smith"
    assert found["Smith"]["kind"] == "professional"


def test_professional_contact_details_stay_with_the_professional(blank):
    text = "Call from SW Jane Smith on 07700 900123, jane.smith@example.gov.uk.\nMum rang 07700 900999."
    found = mentions(blank, text)
    assert found["Jane Smith"]["phones"] == ["07700 900123"]
    assert found["Jane Smith"]["emails"] == ["jane.smith@example.gov.uk"]
    assert found["Mum"]["phones"] == []  # only professionals and agencies carry contacts


def test_job_title_after_a_name(blank):
    found = mentions(blank, "Amy Brown HV visited. The call was from Jane Smith, social worker.")
    assert found["Amy Brown"]["role"] == "health visitor"
    assert found["Jane Smith"]["role"] == "social worker"


@pytest.mark.parametrize("text, name, role", [
    ("He attends St Mary's Primary School.", "St Mary's Primary School", "school"),
    ("Registered at Oakfield Medical Centre.", "Oakfield Medical Centre", "GP surgery"),
    ("Taken to Leeds General Infirmary by ambulance.", "Leeds General Infirmary", "hospital"),
])
def test_named_agencies(blank, text, name, role):
    found = mentions(blank, text)
    assert found[name]["kind"] == "agency" and found[name]["role"] == role and found[name]["name"] == name


@pytest.mark.parametrize("words, role", [
    ("CAMHS", "CAMHS"), ("MARAC", "MARAC"), ("A&E", "hospital"), ("police", "police"), ("MASH", "MASH"),
])
def test_agencies_by_their_usual_names(blank, words, role):
    found = mentions(blank, f"Information was shared with {words} today.")
    assert found[words]["kind"] == "agency" and found[words]["role"] == role


def test_acronyms_are_case_sensitive(blank):
    assert "sw" not in mentions(blank, "the sw corner of the garden")


# -- ages, dates of birth, household ------------------------------------------------------------

def test_date_of_birth_and_ages(blank):
    found = mentions(blank, "Tyler Jones DOB 12/03/2015 lives with mum. Kai (4) was asleep.")
    assert found["Tyler Jones"]["dob"] == "2015-03-12"
    assert found["Kai"]["age"] == 4 and found["Kai"]["child"]


def test_birth_details_in_words_and_two_digit_years():
    details = find_birth_details("born on 4th May 2019; sibling D.O.B. 01/02/21, aged 9", date(2023, 1, 1))
    assert [(d.dob, d.age) for d in details] == [("2019-05-04", None), ("2021-02-01", None), (None, 9)]


def test_a_date_in_brackets_straight_after_a_name_is_a_date_of_birth(nlp):
    """Referrals write a child as "Lily (26/12/2011)" or "Harley Holt (24/09/2012)"; a bracketed
    date apart from a name, or after the note was written, is not a birth date."""
    found = mentions(nlp, "Contact from school about Lily Parker (26/12/2011) and her brother Harley "
                          "(24/09/2012). Strategy meeting held (12/03/2019) with Mum.")
    assert found["Lily Parker"]["dob"] == "2011-12-26" and found["Harley"]["dob"] == "2012-09-24"
    assert found["Mum"]["dob"] is None
    later = find_birth_details("Baby Ruby (05/02/2024) was seen.", date(2023, 1, 1))
    assert later == []


def test_contacts_found_in_text():
    values = [value for *_rest, value in find_contacts("Tel 0113 496 0000 or +44 7700 900123, a@b.org")]
    assert values == ["0113 496 0000", "+44 7700 900123", "a@b.org"]


def test_household_moves(blank):
    found = mentions(blank, "Dad moved out in May.\nTyler lives with mum and nan.")
    assert found["Dad"]["household"] is False
    assert found["mum"]["household"] is True and found["nan"]["household"] is True


# -- rules as data --------------------------------------------------------------------------

def test_rules_reject_unknown_keys():
    with pytest.raises(EntityRulesError, match="line 2.*colour"):
        parse_patterns('{"kind": "family", "pattern": "mum"}\n{"kind": "family", "pattern": "x", "colour": 1}')


def test_rules_reject_relationships_outside_the_vocabulary():
    with pytest.raises(EntityRulesError, match="relationship"):
        EntityPattern.from_dict({"kind": "family", "pattern": "cousin", "relationship": "cousin"})


def test_household_cues_reject_unknown_effects():
    with pytest.raises(EntityRulesError):
        parse_household_cues("cue\teffect\tscope\nmoved out\tmaybe\tpreceding\n")


def test_word_lists_take_one_lower_case_word_a_line():
    assert parse_word_list("# comment\nemail\n\nflat\n", "not_names.txt") == {"email", "flat"}
    with pytest.raises(EntityRulesError, match="line 2"):
        parse_word_list("email\nMill Lane\n", "not_names.txt")


def test_street_names_are_not_people(nlp):
    assert "Mill Lane" not in mentions(nlp, "Visited the family at 73 Mill Lane, Northam.")


def test_component_round_trips_through_disk(tmp_path):
    nlp = spacy.blank("en")
    rules = [EntityPattern(kind="family", pattern="granny", role="grandmother", relationship="grandmother"),
             EntityPattern(kind="professional", pattern="PC", case_sensitive=True, role="police officer",
                           relationship="professional")]
    cues = parse_household_cues("cue\teffect\tscope\nmoved out\tout\tpreceding\n")
    component = EntityRecogniser(nlp, patterns=rules, household_cues=cues)
    component.to_disk(tmp_path / "entities")
    loaded = EntityRecogniser(spacy.blank("en"), patterns=[], household_cues=[]).from_disk(tmp_path / "entities")
    assert loaded.patterns == rules
    assert [(c.cue, c.effect, c.scope) for c in loaded.household_cues] == [("moved out", "out", "preceding")]
    doc = loaded(nlp.make_doc("Granny moved out."))
    assert [(m["text"], m["relationship"], m["household"]) for m in doc._.mentions] == [("Granny", "grandmother", False)]


def test_pipeline_round_trips_through_disk(tmp_path, blank):
    blank.to_disk(tmp_path / "pipeline")
    reloaded = spacy.load(tmp_path / "pipeline")
    text = "PC 1234 attended and spoke to Mum."
    assert reloaded(text)._.mentions == blank(text)._.mentions


def test_a_town_after_an_address_and_a_named_estate_are_places(nlp):
    found = mentions(nlp, "Visited 41 Coronation Street, Redfield. Dan is at his mum's on the Meadows estate.")
    assert "Redfield" not in found and "Meadows" not in found


def test_a_verb_starting_a_note_is_not_part_of_a_name(nlp):
    found = mentions(nlp, "Rang Joanne Nowak - no answer.")
    assert "Joanne Nowak" in found and not any(text.startswith("Rang") for text in found)


def test_names_the_model_misses_as_subjects_and_in_lists(nlp):
    found = mentions(nlp, "Present: Mum, Lily and Aaliyah. Olivia was being held by mum.")
    assert found["Aaliyah"]["name"] == "Aaliyah" and found["Olivia"]["name"] == "Olivia"


def test_an_unspecified_role_is_nobody_in_particular(nlp):
    found = mentions(nlp, "A neighbour said mum had gone out. He has a caution for assault on an ex-partner.")
    assert "neighbour" not in found and "ex-partner" not in found and "mum" in found


def test_a_role_straight_before_a_name_is_linked_before_a_comma_list(blank):
    found = mentions(blank, "Present: Nisha Evans, HV Megan Fisher, Mum.")
    assert found["HV"]["name"] == "Megan Fisher"
    assert found["Nisha Evans"]["role"] != "health visitor"


def test_a_language_is_not_a_person_and_a_previous_relationship_names_an_ex_partner(nlp):
    found = mentions(nlp, "English is spoken at home. There was a previous relationship with Daniel Hamilton.")
    assert "English" not in found
    assert found["Daniel Hamilton"]["relationship"] == "ex_partner_of_parent"


def test_a_name_listed_after_a_role_is_not_that_role(nlp):
    found = mentions(nlp, "Present: Nisha Evans, HV, Joanne, IDVA.")
    assert found["Joanne"]["role"] is None


def test_a_possessor_is_not_the_named_ex_partner(nlp):
    found = mentions(nlp, "There is a history of DA in a previous relationship with Tyler's father.")
    assert found.get("Tyler", {}).get("relationship") != "ex_partner_of_parent"


def test_a_parents_relative_is_the_childs_aunt_uncle_or_grandparent(nlp):
    found = mentions(nlp, "Leanne Kowalski (mum's sister) and Liam Parker (dad's brother) visit. Mum's father drank.")
    assert (found["Leanne Kowalski"]["relationship"], found["Leanne Kowalski"]["side"]) == ("aunt", "maternal")
    assert (found["Liam Parker"]["relationship"], found["Liam Parker"]["side"]) == ("uncle", "paternal")
    assert (found["Mum's father"]["relationship"], found["Mum's father"]["side"]) == ("grandfather", "maternal")


def test_another_childs_father_is_not_linked_as_father(nlp):
    found = mentions(nlp, "Riley's father is Jamie Clarke (mum's ex-partner).")
    assert found["Jamie Clarke"]["relationship"] == "ex_partner_of_parent"


def test_a_street_after_a_house_number_and_the_town_after_it_are_places(nlp):
    found = mentions(nlp, "The family moved to Flat 11, 20 Dale View, Redfield. Liaison with Redfield YOT today.")
    assert "Dale View" not in found and "Redfield" not in found and "YOT" in found


def test_a_police_title_without_a_number_names_an_officer(blank):
    found = mentions(blank, "Attendees: PC Megan Robinson and DS Patel.")
    assert found["PC Megan Robinson"]["role"] == "police officer"
    assert found["DS Patel"]["kind"] == "professional"


WINDOW_TEXT = (
    "Home visit. The flat was cold and there was little food in the cupboards; mum said the "
    "boiler has been broken for two weeks. Summer was in pyjamas watching TV. Later Summer "
    "Hamilton said she wants to see Nathan Hamilton more. Spoke to Mrs Okafor (DSL) at Hillside "
    "Primary School on 3 March. Nothing else of note was seen or said during the visit today."
)


def test_names_from_the_model_run_around_possible_names_match_the_whole_note(nlp, monkeypatch):
    windowed = nlp(WINDOW_TEXT)
    component = nlp.get_pipe("caselens_entities")
    monkeypatch.setattr(component, "_name_windows", lambda doc: [(0, len(doc))])
    whole = nlp(WINDOW_TEXT)
    assert [(m["text"], m["kind"], m["name"]) for m in windowed._.mentions] == \
        [(m["text"], m["kind"], m["name"]) for m in whole._.mentions]
    assert {"Nathan Hamilton", "Mrs Okafor", "Hillside Primary School"} <= {m["text"] for m in windowed._.mentions}


def test_the_model_reads_only_the_words_around_possible_names(nlp):
    doc = nlp(WINDOW_TEXT)
    windows = nlp.get_pipe("caselens_entities")._name_windows(doc)
    covered = sum(end - start for start, end in windows)
    assert 0 < covered < len(doc)
    first_sentence = next(iter(doc.sents))
    assert not any(start < first_sentence.end - 6 for start, _end in windows)
