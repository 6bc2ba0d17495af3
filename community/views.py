"""Pages for members and the public: joining, sessions, webinars, the newsletter."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community import selectors, services
from community.forms import JoinForm, SubscribeForm, WebinarRegistrationForm
from community.ics import registration_ics, series_feed_ics
from community.models import Registration, Session
from gpl_cohort.accounts.http import AuthenticatedHttpRequest
from gpl_cohort.uploads import private_file_response


def _can_view(request: HttpRequest) -> None:
    if not request.user.has_perm("community.view_session"):
        raise PermissionDenied("The community of practice is open to its members.")


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    if request.user.has_perm("community.view_session"):
        return redirect("community:sessions")
    return redirect("community:join")


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        messages.info(request, "You are logged in; ask program staff to add you to the community.")
        return redirect("home")
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.membership_register(
                full_name=form.cleaned_data["full_name"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                jurisdiction=form.cleaned_data["jurisdiction"],
                new_jurisdiction=form.new_jurisdiction(),
                agency=form.cleaned_data["agency"],
                role=form.cleaned_data["role"],
                time_zone=form.cleaned_data["time_zone"],
            )
        except services.MembershipError as error:
            form.add_error("email", str(error))
        else:
            login(request, membership.user, backend="gpl_cohort.accounts.backends.EmailBackend")
            if membership.status == membership.Status.APPROVED:
                messages.success(request, "Welcome to the community of practice.")
                return redirect("community:sessions")
            return render(request, "community/join_pending.html", {"membership": membership})
    return render(request, "community/join.html", {"form": form})


@login_required
@require_GET
def sessions(request: HttpRequest) -> HttpResponse:
    _can_view(request)
    mine = selectors.registration_statuses_of(user=request.user)
    rows = [(session, mine.get(session.pk)) for session in selectors.sessions_for_members()]
    return render(
        request, "community/sessions.html", {"rows": rows, "feed_url": _feed_url(request)}
    )


def _feed_url(request: HttpRequest) -> str:
    # The session's user comes with their feed token (accounts.backends); others are asked.
    token = getattr(request.user, "_community_feed_token", False)
    if token is False:
        membership = getattr(request.user, "community_membership", None)
        token = membership.feed_token if membership else None
    return request.build_absolute_uri(f"/community/feed/{token}.ics") if token else ""


@login_required
@require_GET
def sessions_past(request: HttpRequest) -> HttpResponse:
    _can_view(request)
    past = list(selectors.sessions_past_for_members()[:50])
    return render(request, "community/sessions_past.html", {"sessions": past})


@login_required
@require_GET
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _can_view(request)
    try:
        session = selectors.session_detail(pk=pk)
    except Session.DoesNotExist as error:
        raise Http404 from error
    status = selectors.registration_statuses_of(user=request.user).get(session.pk)
    return render(
        request,
        "community/session_detail.html",
        {
            "session": session,
            "status": status,
            "is_registered": status == Registration.Status.REGISTERED,
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def session_register(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm("community.add_registration"):
        raise PermissionDenied
    session = get_object_or_404(Session, pk=pk, kind=Session.Kind.COMMUNITY)
    try:
        registration = services.registration_create(session=session, user=request.user)
    except services.RegistrationError as error:
        messages.error(request, str(error))
    else:
        if registration.status == Registration.Status.REGISTERED:
            messages.success(request, "You are registered. The invitation is in your inbox.")
        else:
            messages.info(request, "The session is full: you are on the waitlist.")
    return redirect("community:session_detail", pk=pk)


@login_required
@require_POST
def session_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(Session, pk=pk)
    registration = selectors.registration_of(user=request.user, session=session)
    if registration is None:
        raise Http404("You have no registration for this session.")
    registration.session = session  # the service starts from it; no second query for it
    services.registration_cancel(registration=registration)
    messages.success(request, "Your registration is cancelled.")
    return redirect("community:session_detail", pk=pk)


@login_required
@require_GET
def session_ics(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(Session, pk=pk)
    registration = selectors.registration_of(user=request.user, session=session)
    if registration is None or registration.status != Registration.Status.REGISTERED:
        raise Http404("Register first to add the session to your calendar.")
    response = HttpResponse(
        registration_ics(registration, method="PUBLISH"), content_type="text/calendar"
    )
    response["Content-Disposition"] = f'attachment; filename="session-{pk}.ics"'
    return response


@login_required
@require_GET
def session_slides(request: HttpRequest, pk: int) -> HttpResponseBase:
    _can_view(request)
    session = get_object_or_404(Session, pk=pk)
    if not session.slides:
        raise Http404("No slides for this session.")
    return private_file_response(session.slides, filename=session.slides_filename or "slides.pdf")


@require_GET
def series_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A member's secret calendar URL: every session, links on those they registered for."""
    membership = selectors.membership_by_feed_token(token=token)
    if membership is None:
        raise Http404
    sessions = list(Session.objects.filter(kind=Session.Kind.COMMUNITY).order_by("starts_at"))
    registered = {
        session_id
        for session_id, r in selectors.registrations_of(user=membership.user).items()
        if r.status == Registration.Status.REGISTERED
    }
    response = HttpResponse(
        series_feed_ics(sessions, registered_ids=registered), content_type="text/calendar"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def webinar(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        session = selectors.webinar_public(pk=pk)
    except Session.DoesNotExist as error:
        raise Http404 from error
    form = WebinarRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.registration_create(session=session, **form.cleaned_data)
        except services.RegistrationError as error:
            form.add_error(None, str(error))
        else:
            return render(
                request,
                "community/webinar_done.html",
                {"session": session, "registration": registration},
            )
    return render(request, "community/webinar.html", {"session": session, "form": form})


@require_http_methods(["GET", "POST"])
def newsletter(request: HttpRequest) -> HttpResponse:
    form = SubscribeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.subscriber_subscribe(email=form.cleaned_data["email"])
        # The same answer whether or not the address is known: the page tells nobody who reads us.
        return render(
            request, "community/newsletter_check_inbox.html", {"email": form.cleaned_data["email"]}
        )
    return render(request, "community/newsletter.html", {"form": form})


@require_GET
def newsletter_confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscriber = services.subscriber_confirm(token=token)
    except services.NewsletterError as error:
        return render(
            request,
            "community/newsletter_confirm.html",
            {"error": str(error), "form": SubscribeForm()},
            status=400,
        )
    return render(request, "community/newsletter_confirm.html", {"subscriber": subscriber})


@csrf_exempt  # RFC 8058: mail programs POST here without a CSRF token; the URL's token is secret.
@require_http_methods(["GET", "POST"])
def newsletter_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows one button (link scanners must not unsubscribe people); POST unsubscribes.

    POST is idempotent and is also what mail programs send for `List-Unsubscribe-Post`.
    """
    if request.method == "POST":
        subscriber = services.subscriber_unsubscribe(token=token)
        if subscriber is None:
            raise Http404
        return render(request, "community/newsletter_unsubscribed.html", {"subscriber": subscriber})
    subscriber = get_object_or_404(selectors.subscribers_for_staff(), token=token)
    return render(request, "community/newsletter_unsubscribe.html", {"subscriber": subscriber})
