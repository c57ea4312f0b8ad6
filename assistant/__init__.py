"""The application: ingest, store, discovery, the service API and the CLI."""

__version__ = "0.1.0"
