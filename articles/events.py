"""What the desk's services announce, for whoever keeps a record of it (staff/signals.py).

The write side sends these and knows nothing of who listens, so the audit trail lives in
`staff/` while imports keep running one way. Each signal's arguments are keyword-only:

- `workflow_moved`: a story was moved or written by a service (`article`, `by`, `action` (the
  service's move name: "publish"…), `label` (what happened, in Arabic), `from_status`,
  `to_status` (None when the state did not change), `comment`).
- `permission_refused`: a service refused `by` for lack of permission (`action`, `reason`,
  `article` or None). Sent after the service's transaction has rolled back.
- `share_link_made` (`link`, `by`) and `share_links_ended` (`article`, `by`, `reason`,
  `count`, `link`: the one link revoked by hand, or None when a move ended them all).
- `autosave_restored`: an editor brought an autosave back into the form (`by`, `article` or
  None for a story not saved yet, `story_key`, `saved_at`).
"""

import functools

from django.core.exceptions import PermissionDenied
from django.dispatch import Signal

workflow_moved = Signal()
permission_refused = Signal()
share_link_made = Signal()
share_links_ended = Signal()
autosave_restored = Signal()


def announces_refusals(action: str):
    """Wrap a keyword-only service (outside its transaction) so that a PermissionDenied it
    raises is announced with `permission_refused`, then raised as before."""

    def decorate(service):
        @functools.wraps(service)
        def wrapper(*args, **kwargs):
            try:
                return service(*args, **kwargs)
            except PermissionDenied as refusal:
                permission_refused.send(
                    sender=service,
                    by=kwargs.get("by"),
                    action=action,
                    reason=str(refusal),
                    article=kwargs.get("article")
                    or getattr(
                        kwargs.get("link") or kwargs.get("correction") or kwargs.get("entry"),
                        "article",
                        None,
                    ),
                )
                raise

        return wrapper

    return decorate
