"""Operational plans as data files (one YAML file a year); loaded and validated by uppfoljning.plan."""
