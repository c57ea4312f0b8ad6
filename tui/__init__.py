"""The Textual terminal UI. Calls the assistant's service API only."""
