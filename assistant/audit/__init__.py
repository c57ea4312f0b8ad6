"""Audit and governance: human reviews and overrides, the tamper-evident log, manager reports,
re-extraction, the review feedback loop, CRM hand-off and lead export/import.

Every function takes the `Service` first, so the CLI (`assistant/cli/commands_audit.py`) and
the TUI call the same code:

- reviews: `review_signal(svc, signal_id, action, reason=, by=, value=)`,
  `override_stage(svc, lead_id, stage, reason=, by=)`, `latest_override(svc, lead_id)`
- integrity: `verify(svc) -> VerifyReport`, `seal(svc, by=, reason=)`
- report: `build_report(svc, lead_id, redact=)`, `render(reports, fmt)`
- reextract: `reextract(svc, lead_id=None, dry_run=False) -> list[DocumentDiff]`
- train: `train_from_reviews(svc, force=, dry_run=) -> TrainReport`
- crm: `export(svc, lead_ids, target, dry_run=, include_unreviewed=, out=)`
- transfer: `write_export(svc, lead_id, path)`, `import_lead(svc, path, as_id=)`

Errors a user can fix are `AuditError` (a ServiceError): one line, no traceback.
"""

from assistant.audit.errors import AuditError

__all__ = ["AuditError"]
