"""Resolution 57 plan warehouse: extraction, validation and loading pipelines."""

__version__ = "0.1.0"
