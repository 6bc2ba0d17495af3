"""Follow the jurisdictions app's paperwork signals along the application's state machine."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from applications.models import Application
from applications.services import TransitionError, application_transition

if TYPE_CHECKING:
    from cohorts.models import CohortMembership
    from gpl_cohort.accounts.models import User

logger = logging.getLogger(__name__)
S = Application.Status


def _application_of(membership: CohortMembership) -> Application | None:
    return Application.objects.filter(
        cohort_id=membership.cohort_id, jurisdiction_id=membership.jurisdiction_id
    ).first()


def _move(application: Application, path: list[str], comment: str) -> None:
    for status in path:
        if application.status == status:
            continue
        try:
            application_transition(
                application=application, to_status=status, by=None, comment=comment
            )
        except TransitionError as error:
            logger.warning("application %s not moved to %s: %s", application.pk, status, error)
            return


def on_paperwork_received(
    sender: Any, membership: CohortMembership, by: User | None = None, **kwargs: Any
) -> None:
    application = _application_of(membership)
    if application is not None and application.status == S.SELECTED:
        _move(application, [S.PAPERWORK_RECEIVED], "MoU signed and letters of support received")


def on_membership_enrolled(
    sender: Any, membership: CohortMembership, by: User | None = None, **kwargs: Any
) -> None:
    application = _application_of(membership)
    if application is not None and application.status in (S.SELECTED, S.PAPERWORK_RECEIVED):
        _move(
            application,
            [S.PAPERWORK_RECEIVED, S.ENROLLED],
            "MoU, letters of support and point of contact complete",
        )
