"""Disrupting Harm, executable edition: the library behind every chapter notebook."""
