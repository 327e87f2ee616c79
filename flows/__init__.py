"""Prefect flows: orchestration only. Each stage's logic lives in extract/, expectations/, transforms/, publish/."""
