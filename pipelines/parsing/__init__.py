"""Parsing helpers for Vietnamese administrative text: numbers, periods, amounts in words."""
