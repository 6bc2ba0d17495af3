from __future__ import annotations

import hmac
import json

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from gpl_cohort.outbox.services import EmailEventError, email_events_apply


@csrf_exempt
@require_POST
def email_events(request: HttpRequest) -> JsonResponse:
    """Bounce and complaint webhook of the mail provider.

    POST /outbox/events/ with header `X-Cohort-Webhook-Secret: <OUTBOX_WEBHOOK_SECRET>` and a
    JSON body that is one event or a list of events:

        {"type": "bounce", "email": "a@b.gov", "bounce_type": "permanent", "detail": "550 …"}
        {"type": "complaint", "email": "a@b.gov", "detail": "abuse report"}

    `bounce_type` is "permanent" (default) or "temporary"; a permanent bounce or a complaint
    suppresses the address for bulk email (newsletters), a temporary bounce is only counted.
    Answers 200 {"suppressed": n, "already_suppressed": n, "ignored": n}; 400 {"error": …} for
    a malformed body; 403 for a wrong or missing secret (always 403 while no secret is set).
    Idempotent: providers retry, and the same event twice changes nothing more.
    """
    secret = getattr(settings, "OUTBOX_WEBHOOK_SECRET", "")
    given = request.headers.get("X-Cohort-Webhook-Secret", "")
    if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
        return JsonResponse({"error": "Wrong or missing X-Cohort-Webhook-Secret."}, status=403)
    try:
        events = json.loads(request.body or b"null")
        result = email_events_apply(events=events)
    except (ValueError, EmailEventError) as error:
        return JsonResponse({"error": str(error)}, status=400)
    return JsonResponse(result)
