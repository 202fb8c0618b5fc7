"""The People page: the child, family and household, professionals and agencies."""
from __future__ import annotations


def test_people_groups_family_and_professionals_with_contacts(window):
    window.show_view("people")
    tree = window.people.tree
    family = tree.topLevelItem(0)
    assert family.text(0).startswith("Family and household (2)")
    assert {family.child(i).text(0) for i in range(family.childCount())} == {"Sarah Jones", "Mark Jones"}
    professionals = tree.topLevelItem(1)
    assert professionals.child(0).text(4) == "01632 960123"
    tree.setCurrentItem(family.child(0))
    assert "Risks that concern" in window.people.caption.text()

def test_the_child_is_listed_apart_from_the_family_when_extraction_found_them(window):
    from store import cases

    cases.set_subjects(window.case, [{"person_id": "subject", "name": "Sarah Jones", "dob": "2019-06-01"}])
    window.refresh_all()
    window.show_view("people")
    tree = window.people.tree
    assert tree.topLevelItem(0).text(0) == "The child (1)"
    assert tree.topLevelItem(0).child(0).text(1) == "Subject of the case"
    assert tree.topLevelItem(1).text(0).startswith("Family and household (1)")
