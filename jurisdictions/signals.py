"""Signals the jurisdictions app sends when a cohort seat's paperwork moves.

Sent by jurisdictions.services (MoU and support-letter services, enrolment check); the
applications app listens to move the application along its own state machine, so neither app
imports the other's services.
"""

from django.dispatch import Signal

# sender=CohortMembership, membership=..., by=user or None
paperwork_received = Signal()  # the MoU is signed and the leadership support letters are in
membership_enrolled = Signal()  # ... and a point of contact is designated: the seat is enrolled
