"""Design-based estimation against cases computed by hand (not by the code under test)."""
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from dharm.stats.estimation import estimate_proportion, zero_upper

# Two strata, two PSUs each, eight respondents.
TINY = pd.DataFrame({
    "stratum": ["A"] * 4 + ["B"] * 4,
    "psu": ["a1", "a1", "a2", "a2", "b1", "b1", "b2", "b2"],
    "weight": [1.0, 2.0, 1.0, 1.0, 2.0, 2.0, 1.0, 3.0],
    "y": [1, 0, 1, 1, 0, 0, 1, 0],
    "sex": ["boy", "girl", "boy", "girl", "boy", "girl", "boy", "girl"],
    "dom": [1, 1, 0, 1, 1, 0, 1, 1],
})


def hand_estimate(frame: pd.DataFrame, domain: np.ndarray, confidence: float):
    """Ratio estimator with Taylor linearisation, written out as in Cochran / Lohr."""
    w, y, d = frame["weight"].to_numpy(), frame["y"].to_numpy(), domain.astype(float)
    p = (w * d * y).sum() / (w * d).sum()
    z = w * d * (y - p) / (w * d).sum()
    variance = 0.0
    for _, idx in frame.groupby("stratum").groups.items():
        totals = pd.Series(z[frame.index.get_indexer(idx)]).groupby(frame.loc[idx, "psu"].to_numpy()).sum().to_numpy()
        n_h = len(totals)
        variance += n_h / (n_h - 1) * ((totals - totals.mean()) ** 2).sum()
    se = np.sqrt(variance)
    df = frame["psu"].nunique() - frame["stratum"].nunique()
    t = stats.t.ppf(0.5 + confidence / 2, df)
    logit, se_logit = np.log(p / (1 - p)), se / (p * (1 - p))
    expit = lambda x: 1 / (1 + np.exp(-x))  # noqa: E731
    return 100 * p, 100 * se, 100 * expit(logit - t * se_logit), 100 * expit(logit + t * se_logit)


def test_whole_sample_matches_hand_computation():
    out = estimate_proportion(TINY, "y").iloc[0]
    assert out["estimate"] == pytest.approx(400 / 13)  # (1+1+1+1) / 13 of the weight
    p, se, lo, hi = hand_estimate(TINY, np.ones(8), 0.95)
    assert (out["estimate"], out["se"], out["ci_low"], out["ci_high"]) == pytest.approx((p, se, lo, hi), abs=1e-9)
    assert (out["n"], out["n_positive"]) == (8, 4)


def test_confidence_level_changes_only_the_interval():
    wide, narrow = estimate_proportion(TINY, "y", confidence=0.95).iloc[0], estimate_proportion(TINY, "y", confidence=0.90).iloc[0]
    assert wide["estimate"] == narrow["estimate"] and wide["se"] == narrow["se"]
    assert narrow["ci_low"] > wide["ci_low"] and narrow["ci_high"] < wide["ci_high"]
    assert (narrow["ci_low"], narrow["ci_high"]) == pytest.approx(hand_estimate(TINY, np.ones(8), 0.90)[2:], abs=1e-9)


def test_domain_keeps_the_full_design():
    out = estimate_proportion(TINY, "y", domain="dom").iloc[0]
    assert out["n"] == 6
    assert (out["estimate"], out["se"]) == pytest.approx(hand_estimate(TINY, TINY["dom"].to_numpy(), 0.95)[:2], abs=1e-9)


def test_groups_are_domains():
    out = estimate_proportion(TINY, "y", by="sex").set_index("group")
    assert list(out.index) == ["boy", "girl"]
    assert out.loc["boy", "estimate"] == pytest.approx(100 * 3 / 5)  # boys: y = 1,1,0,1 with weights 1,1,2,1
    assert out.loc["girl", "estimate"] == pytest.approx(100 * 1 / 8)  # girls: y = 0,1,0,0 with weights 2,1,2,3
    for sex in ("boy", "girl"):
        hand = hand_estimate(TINY, (TINY["sex"] == sex).to_numpy(), 0.95)
        got = out.loc[sex, ["estimate", "se", "ci_low", "ci_high"]].to_numpy(dtype=float)
        assert got == pytest.approx(hand, abs=1e-9)
    assert (out.loc["girl", "n"], out.loc["girl", "n_positive"]) == (4, 1)


def test_group_without_positives_has_zero_estimate_and_a_two_sided_exact_bound():
    frame = TINY.assign(y=[0, 0, 1, 1, 0, 0, 1, 0])  # a1 has no positives
    frame.loc[frame["sex"] == "girl", "y"] = 0
    out = estimate_proportion(frame, "y", by="sex").set_index("group")
    assert out.loc["girl", "estimate"] == 0 and out.loc["girl", "ci_low"] == 0
    # the two-sided Clopper-Pearson interval at the stated level (scipy's beta quantile as the oracle)
    assert out.loc["girl", "ci_high"] == pytest.approx(100 * stats.beta.ppf(1 - 0.05 / 2, 1, 4))
    everyone = estimate_proportion(TINY.assign(y=1), "y", confidence=0.90).iloc[0]
    assert (everyone["estimate"], everyone["ci_high"]) == (100, 100)
    assert everyone["ci_low"] == pytest.approx(100 * stats.beta.ppf(0.10 / 2, 8, 1))


def test_no_positive_in_the_whole_sample_as_the_issue_measured():
    """0 of 992 at 95%: the two-sided exact bound is 0.37%, not the one-sided 0.30%."""
    assert 100 * zero_upper(992, 0.95) == pytest.approx(100 * stats.beta.ppf(0.975, 1, 992))
    assert round(100 * zero_upper(992, 0.95), 2) == 0.37


@pytest.mark.parametrize("confidence", [1.0, 0.2, "0.95", None])
def test_bad_confidence_is_named(confidence):
    with pytest.raises(ValueError, match="parameter confidence"):
        estimate_proportion(TINY, "y", confidence=confidence)


def test_missing_column_is_named():
    with pytest.raises(ValueError, match="column 'nope'"):
        estimate_proportion(TINY, "nope")
