"""Estimation, the estimate store, the reporting rules, number formats and tolerance judgements."""
