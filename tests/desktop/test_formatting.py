"""Dates, ages and labels as a social worker reads them."""
from __future__ import annotations

from desktop import formatting


def test_uk_dates_follow_precision_and_approximation():
    assert formatting.uk_date("2023-03-12") == "12 Mar 2023"
    assert formatting.uk_date("2023-03", "month") == "Mar 2023"
    assert formatting.uk_date("2023", "year", approximate=True) == "c. 2023"
    assert formatting.uk_date(None) == "Undated"


def test_ages_are_written_in_years_and_months_and_unborn_before_birth():
    assert formatting.age_at("2019-06-01", "2023-03-04") == "3y 9m"
    assert formatting.age_at("2019-06-01", "2019-11-30") == "5m"
    assert formatting.age_at("2019-06-01", "2020-06-01") == "1y"
    assert formatting.age_at("2019-06-01", "2019-01-01") == "unborn"
    assert formatting.age_at(None, "2019-01-01") == ""


def test_typed_dates_are_read_day_first():
    assert formatting.parse_user_date("04/03/2023") == ("2023-03-04", "day")
    assert formatting.parse_user_date("2023-03-04") == ("2023-03-04", "day")
    assert formatting.parse_user_date("03/2023") == ("2023-03", "month")
    assert formatting.parse_user_date("Mar 2023") == ("2023-03", "month")
    assert formatting.parse_user_date("2023") == ("2023", "year")
    assert formatting.parse_user_date("31/02/2023") is None
    assert formatting.parse_user_date("soon") is None


def test_vocabulary_values_become_words():
    assert formatting.event_type_label("s47_enquiry") == "Section 47 enquiry"
    assert formatting.risk_label("cse") == "Child sexual exploitation"
    assert formatting.relationship_label("parent_partner") == "Parent's partner"
    assert formatting.label("something_new") == "Something new"
