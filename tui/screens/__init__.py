"""One module per screen: pipeline, lead, paste/ingest, discovery, audit, help, dialogs."""
