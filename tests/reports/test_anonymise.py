import json
from importlib import resources

import pytest

from reports.anonymise import AnonymiseRules, Anonymiser, load_rules

PEOPLE = [
    {"id": "p1", "name": "Sarah Jones", "aliases": ["Sarah"], "kind": "family", "relationship": "mother",
     "contacts": {"phones": ["07700 900123"], "emails": []}},
    {"id": "p2", "name": "Darren Smith", "kind": "family", "relationship": "father"},
    {"id": "p3", "name": "Priya Patel", "kind": "professional", "role": "social worker", "first_seen": "2020-01-01"},
    {"id": "p4", "name": "Helen Brook", "kind": "professional", "role": "health visitor", "first_seen": "2021-01-01"},
    {"id": "p5", "name": "Maureen Jones", "kind": "family", "relationship": "grandmother", "side": "maternal"},
    {"id": "p6", "name": "Oakfield Primary School", "kind": "agency"},
]
SUBJECTS = [{"person_id": "c1", "name": "Amy Jones", "dob": "2015-03-12"}]


@pytest.fixture
def anonymiser():
    return Anonymiser(people=PEOPLE, subjects=SUBJECTS, authors=["Tom Baker (Social Worker)", "Priya Patel"],
                      mention_texts={"p1": ["Mum (Sarah Jones)", "mum"]})


def test_people_are_replaced_consistently_by_relationship(anonymiser):
    text = anonymiser.text("Sarah Jones told Priya Patel that Darren hit her. Sarah said Amy was scared. "
                           "Maureen Jones collected Amy. Tom Baker visited. Helen Brook called.")
    assert text == ("Mother told Professional A that Father hit her. Mother said Child 1 was scared. "
                    "Maternal grandmother collected Child 1. Professional C visited. Professional B called.")
    assert anonymiser.label("p1") == "Mother"
    assert anonymiser.label("c1") == "Child 1"


def test_shared_surname_with_a_title_becomes_a_neutral_name(anonymiser):
    assert anonymiser.text("Ms Jones and Mr Smith attended.") == "[name] and Father attended."


def test_unknown_titled_names_and_police_officers_are_removed(anonymiser):
    out = anonymiser.text("Mr Brown visited. PC 4521 and DS Green attended; collar number 3310 noted.")
    assert "Brown" not in out and "Green" not in out and "4521" not in out and "3310" not in out
    assert "PC [collar number]" in out


@pytest.mark.parametrize("original, removed", [
    ("Call her on 07700 900123 or 0117 496 0000.", ["07700", "0117"]),
    ("Moved to Flat 2, 14 Acacia Avenue, Bristol BS1 4AA last week.", ["Acacia", "BS1", "4AA"]),
    ("Email sarah.jones@example.com today.", ["example.com"]),
    ("NHS number 485 777 3456 confirmed.", ["485 777 3456"]),
    ("Crime ref CR/12345/23 and case no: 998877.", ["12345", "998877"]),
    ("Amy (DOB 12/03/2015) was born on 12th March 2015.", ["12/03/2015", "12th March"]),
    ("Amy attends Oakfield Primary School and is registered at Riverside Medical Centre.", ["Oakfield", "Riverside"]),
    ("Admitted to St Mary's Hospital; mother moved to Elm Road.", ["Mary", "Elm"]),
    # schools as workers write them, without "School": the name would say where the child is
    ("Call to Oakfield Primary, spoke to the class teacher.", ["Oakfield"]),
    ("Jayden moved to Hillside Infants in May, then St Anne's CE Juniors.", ["Hillside", "Anne"]),
    ("Notification from Westbridge General A&E: Jayden attended last night.", ["Westbridge"]),
])
def test_identifying_details_are_removed(anonymiser, original, removed):
    out = anonymiser.text(original)
    for fragment in removed:
        assert fragment not in out, out


def test_ordinary_text_is_left_alone(anonymiser):
    text = "On 01/02/2023 at 10:30 the family may attend the Family Court; 3 children, Y10, 81% attendance."
    assert anonymiser.text(text) == text


def test_worker_redactions_are_applied(anonymiser):
    assert anonymiser.text("Seen at the Blue Door cafe.") == "Seen at the Blue Door cafe."
    redacting = Anonymiser(people=PEOPLE, subjects=SUBJECTS, redactions=["Blue Door"])
    assert redacting.text("Seen at the Blue Door cafe.") == "Seen at the [redacted] cafe."


def test_packaged_rules_load():
    assert "Primary School" in dict(load_rules().places)["[school]"]


def test_rules_reject_unknown_keys():
    data = json.loads(resources.files("reports").joinpath("anonymise_rules.json").read_text(encoding="utf-8"))
    data["surprise"] = []
    with pytest.raises(ValueError, match="surprise"):
        AnonymiseRules.from_dict(data)


def test_from_case_knows_the_case_people(case):
    anonymiser = Anonymiser.from_case(case)
    assert anonymiser.text("Sarah Jones and Darren Smith with Amy Jones") == "Mother and Father with Child 1"


def test_roles_recorded_as_people_do_not_swallow_ordinary_words():
    anonymiser = Anonymiser(people=[
        {"id": "h", "name": "Housing officer", "kind": "professional", "role": "housing officer"},
        {"id": "t", "name": "Teacher", "kind": "professional", "role": "teacher"},
        {"id": "s", "name": "Andrew Evans", "aliases": ["SW", "Andrew"], "kind": "professional"},
    ])
    text = "Housing confirmed the tenancy. Teacher said SW Andrew Evans visited."
    assert anonymiser.text(text) == "Housing confirmed the tenancy. Teacher said SW Professional A visited."


def test_neighbouring_places_stay_apart():
    out = Anonymiser().text("Seen at Westbridge General Hospital and The Castle Practice.")
    assert out == "Seen at [hospital] and The [GP surgery]."
