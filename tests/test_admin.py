"""Administrative counts: kept as printed, derived numbers recomputed and checked by hand."""
import numpy as np
import pytest

from dharm.io.errors import DataValidationError
from dharm.io.published import load_table
from dharm.ledger import page_ledger
from dharm.report.admin import admin_checks, check_totals, recompute_derived, wide_table
from dharm.stats.judge import printed_decimals

from conftest import edit_csv


@pytest.fixture(scope="module")
def counts(country_data):
    return country_data.table("admin_counts")


@pytest.fixture(scope="module")
def checked(country_data):
    return recompute_derived(country_data).set_index("derived_id")



def test_printed_counts_are_kept_and_blanks_stay_missing(counts):
    fig15 = wide_table(counts, "fig15_cybertips")
    assert fig15.loc["Cambodia"].tolist() == [25309, 131900, 91458]
    fig16 = wide_table(counts, "fig16_cybertips_by_esp", "cybertip_reports")
    assert len(fig16) == 20 and fig16.loc["Facebook", "2019"] == 90596
    assert np.isnan(fig16.loc["Discord Inc.", "2017"])  # printed blank: missing, not zero
    assert fig16.notna().sum().sum() < 60


def test_derived_numbers_against_hand_computation(checked):
    assert checked.loc["fig15_pct_cambodia_2017_2019", "recomputed"] == pytest.approx(100 * (91458 / 25309 - 1))
    assert checked.loc["s2_1_prose_pct_cambodia_2017_2018", "recomputed"] == pytest.approx(100 * (131900 / 25309 - 1))
    assert checked.loc["fig17_reports_per_ip_2018", "recomputed"] == pytest.approx(131900 / 16594)
    assert checked.loc["fig15_share_cambodia_2018", "recomputed"] == pytest.approx(100 * 131900 / 18462424)
    assert checked.loc["s2_4_1_share_boys", "recomputed"] == pytest.approx(100 * 1491 / 5565)
    assert (checked.loc[["fig15_pct_cambodia_2017_2019", "fig17_reports_per_ip_2018", "s2_1_prose_rpi_peak_2018"], "verdict"] == "agrees").all()


def test_disagreement_is_shown_not_hidden(checked):
    infant = checked.loc["s2_4_1_share_infant"]
    assert infant["printed"] == 2 and infant["recomputed"] == pytest.approx(100 * 140 / 5565)
    assert infant["verdict"] == "disagrees"
    assert checked.loc["s2_4_1_prepub_girls", "verdict"] == "not recomputable"


@pytest.mark.parametrize("value, decimals", [(261.0, 0), (0.25, 2), (3.14, 2), (-31.0, 0), (7.5, 1)])
def test_printed_decimals(value, decimals):
    assert printed_decimals(value) == decimals


def test_printed_tables_add_up(counts):
    totals = check_totals(counts)
    assert {"fig19_hotline_by_gender", "fig20_hotline_by_age", "fig24_hotline_referrals"} <= set(totals["table_id"])
    assert (totals["verdict"] == "adds up").all()
    hotline = totals[totals["table_id"].str.startswith(("fig19", "fig20", "fig24")) & (totals["year"] == "all years")]
    assert hotline["printed_total"].tolist() == [5565, 5565, 5565]


def test_ledger_has_no_unexplained_disagreement(country_data, ledger):
    ledger = ledger[ledger["indicator"].isin(admin_checks(country_data)["indicator"])]
    assert not (ledger["status"] == "outside tolerance").any()
    assert ledger.set_index("indicator").loc["s2_4_1_share_infant", "status"] == "known gap"
    assert (ledger["status"] == "reproduced").sum() >= 30


def test_figures_name_existing_tables(country_data):
    figures = country_data.table("admin_figures")
    assert {"fig15", "fig16", "fig17", "fig18", "fig19", "fig20"} <= set(figures.index)


def test_bad_formula_and_bad_cell_are_named(data_copy):
    derived = data_copy / "cambodia/published/admin_derived.csv"
    edit_csv(derived, 0, "formula", "100*({fig15_cybertips:cybertip_reports:country:Atlantis:2019} / 2)")
    with pytest.raises(DataValidationError, match=r"admin_derived.csv, row 1, column 'formula': got '100\*\(\{fig15_cybertips:cybertip_reports:"
                                                  r"country:Atlantis:2019\} / 2\)'; expected \{cells\} of admin_counts.csv"):
        load_table("admin_derived", "cambodia", data_copy)
    edit_csv(derived, 0, "formula", "__import__('os').getcwd()")
    with pytest.raises(DataValidationError, match=r"row 1, column 'formula': got .*; expected arithmetic"):
        load_table("admin_derived", "cambodia", data_copy)
    counts_path = data_copy / "cambodia/published/admin_counts.csv"
    edit_csv(counts_path, 2, "value", "")
    edit_csv(counts_path, 2, "note", "")
    with pytest.raises(DataValidationError, match=r"admin_counts.csv, row 3, column 'value': got an empty cell; expected a number"):
        load_table("admin_counts", "cambodia", data_copy)


def test_every_derived_number_is_in_the_ledger(checked, ledger):
    assert set(checked.index) <= set(ledger["indicator"])
    assert set(page_ledger(ledger, "3")["indicator"]) >= {"fig24_share_hosting", "s3_1_1_police_pct_investigation"}
