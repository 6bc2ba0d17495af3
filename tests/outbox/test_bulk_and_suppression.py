import datetime as dt
import json
import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from gpl_cohort.outbox.models import EmailDelivery, Suppression
from gpl_cohort.outbox.services import (
    EmailEventError,
    OutgoingMessage,
    email_deliver,
    email_deliver_many,
    email_events_apply,
    email_queue,
    email_queue_bulk,
    email_requeue_stuck,
)

pytestmark = pytest.mark.django_db

LOCMEM_SEND = "django.core.mail.backends.locmem.EmailBackend.send_messages"
SECRET = "s3cret-webhook"


def _messages(n: int, start: int = 0) -> list[OutgoingMessage]:
    return [
        OutgoingMessage(
            recipient=f"reader{i}@example.org",
            subject="News",
            text=f"Hello reader {i}",
            headers={"List-Unsubscribe": f"<https://x/u/{i}/>"},
        )
        for i in range(start, start + n)
    ]


def test_bulk_queueing_sends_each_personalised_copy_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email_queue_bulk(message_key="newsletter:1", messages=_messages(120), batch_size=50)
        email_queue_bulk(message_key="newsletter:1", messages=_messages(130), batch_size=50)
    assert EmailDelivery.objects.filter(message_key="newsletter:1").count() == 130
    assert len(mail.outbox) == 130
    assert len({m.to[0] for m in mail.outbox}) == 130
    reader7 = next(m for m in mail.outbox if m.to == ["reader7@example.org"])
    assert reader7.body == "Hello reader 7"
    assert reader7.extra_headers["List-Unsubscribe"] == "<https://x/u/7/>"
    assert reader7.extra_headers["X-Cohort-Delivery"]


def test_bulk_email_to_a_suppressed_address_is_not_sent_but_transactional_email_is(
    django_capture_on_commit_callbacks,
):
    Suppression.objects.create(email="gone@example.org", reason=Suppression.Reason.BOUNCE)
    with django_capture_on_commit_callbacks(execute=True):
        bulk = email_queue_bulk(
            message_key="newsletter:2",
            messages=[OutgoingMessage(recipient="Gone@example.org", subject="News", text="x")],
        )
    assert bulk == 1
    delivery = EmailDelivery.objects.get(message_key="newsletter:2")
    assert delivery.status == EmailDelivery.Status.SUPPRESSED
    (transactional,) = email_queue(
        message_key="reset:1", recipients=["gone@example.org"], subject="Reset", text="x"
    )
    assert email_deliver(delivery_id=transactional.pk) == EmailDelivery.Status.SENT


def test_a_batch_keeps_temporary_failures_queued_and_reports_them():
    rows = [
        EmailDelivery.objects.create(
            message_key="b", recipient=f"r{i}@x.org", subject="s", body_text="t"
        )
        for i in range(3)
    ]
    error = smtplib.SMTPResponseException(451, b"try later")
    with mock.patch(LOCMEM_SEND, side_effect=error):
        result = email_deliver_many(delivery_ids=[r.pk for r in rows])
    assert result["retry"] == [r.pk for r in rows]
    assert set(EmailDelivery.objects.values_list("status", flat=True)) == {"queued"}
    assert EmailDelivery.objects.filter(sent_at__isnull=False).count() == 0


def test_delivering_an_already_sent_row_again_sends_nothing():
    (delivery,) = email_queue(message_key="k", recipients=["a@x.org"], subject="s", text="t")
    email_deliver(delivery_id=delivery.pk)
    email_deliver_many(delivery_ids=[delivery.pk, delivery.pk])
    assert len(mail.outbox) == 1


def test_the_sweeper_requeues_only_rows_stuck_for_a_while(django_capture_on_commit_callbacks):
    old = EmailDelivery.objects.create(
        message_key="o", recipient="o@x.org", subject="s", body_text="t"
    )
    EmailDelivery.objects.filter(pk=old.pk).update(queued_at=timezone.now() - dt.timedelta(hours=1))
    EmailDelivery.objects.create(message_key="n", recipient="n@x.org", subject="s", body_text="t")
    assert email_requeue_stuck(older_than_seconds=600) == 1
    assert [m.to for m in mail.outbox] == [["o@x.org"]]


def test_events_suppress_on_permanent_bounce_and_complaint_only():
    result = email_events_apply(
        events=[
            {"type": "bounce", "email": "Hard@x.org", "bounce_type": "permanent"},
            {"type": "bounce", "email": "soft@x.org", "bounce_type": "temporary"},
            {"type": "complaint", "email": "angry@x.org"},
            {"type": "complaint", "email": "angry@x.org"},
        ]
    )
    assert result == {"suppressed": 2, "already_suppressed": 1, "ignored": 1}
    assert set(Suppression.objects.values_list("email", flat=True)) == {"hard@x.org", "angry@x.org"}


@pytest.mark.parametrize(
    "events",
    [[], "text", [{"type": "open", "email": "a@x.org"}], [{"type": "bounce", "email": "nope"}]],
)
def test_malformed_events_are_refused_whole(events):
    with pytest.raises(EmailEventError):
        email_events_apply(events=events)
    assert not Suppression.objects.exists()


def _post(client, body, secret=SECRET):
    return client.post(
        "/outbox/events/",
        data=json.dumps(body),
        content_type="application/json",
        headers={"X-Cohort-Webhook-Secret": secret} if secret else {},
    )


def test_the_webhook_suppresses_with_the_right_secret(client, settings):
    settings.OUTBOX_WEBHOOK_SECRET = SECRET
    response = _post(client, {"type": "complaint", "email": "a@x.org"})
    assert response.status_code == 200
    assert response.json()["suppressed"] == 1


def test_the_webhook_refuses_a_wrong_or_missing_secret(client, settings):
    settings.OUTBOX_WEBHOOK_SECRET = SECRET
    assert _post(client, {"type": "complaint", "email": "a@x.org"}, "wrong").status_code == 403
    assert _post(client, {"type": "complaint", "email": "a@x.org"}, None).status_code == 403
    settings.OUTBOX_WEBHOOK_SECRET = ""
    assert _post(client, {"type": "complaint", "email": "a@x.org"}, "").status_code == 403
    assert not Suppression.objects.exists()


def test_the_webhook_explains_a_bad_body_and_refuses_get(client, settings):
    settings.OUTBOX_WEBHOOK_SECRET = SECRET
    response = client.post(
        "/outbox/events/",
        data="{not json",
        content_type="application/json",
        headers={"X-Cohort-Webhook-Secret": SECRET},
    )
    assert response.status_code == 400
    assert "error" in response.json()
    assert client.get("/outbox/events/").status_code == 405


def test_staff_see_deliveries_in_the_admin(staff_client, django_assert_max_num_queries):
    email_queue(
        message_key="k", recipients=[f"a{i}@x.org" for i in range(30)], subject="s", text="t"
    )
    with django_assert_max_num_queries(12):
        response = staff_client.get("/admin/outbox/emaildelivery/")
    assert response.status_code == 200
    assert b"a29@x.org" in response.content


def test_staff_open_one_delivery_in_the_admin(staff_client):
    (delivery,) = email_queue(message_key="k", recipients=["a@x.org"], subject="s", text="t")
    response = staff_client.get(f"/admin/outbox/emaildelivery/{delivery.pk}/change/")
    assert response.status_code == 200
    assert b"a@x.org" in response.content


def test_staff_requeue_a_failed_delivery_from_the_admin(staff_client):
    (delivery,) = email_queue(message_key="k", recipients=["a@x.org"], subject="s", text="t")
    EmailDelivery.objects.filter(pk=delivery.pk).update(status=EmailDelivery.Status.FAILED)
    staff_client.post(
        "/admin/outbox/emaildelivery/",
        {"action": "requeue_failed", "_selected_action": [delivery.pk]},
    )
    delivery.refresh_from_db()
    assert delivery.status == EmailDelivery.Status.SENT


def test_a_worker_in_the_main_process_does_not_watch_its_parent(monkeypatch):
    import threading

    from celery.signals import worker_process_init

    before = {t.name for t in threading.enumerate()}
    worker_process_init.send(sender="solo@test")
    assert "outbox-parent-watch" not in {t.name for t in threading.enumerate()} - before
