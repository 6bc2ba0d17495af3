"""The CSP middleware that builds its usual header once sends what django-csp would send."""

import csp.middleware
import pytest
from django.http import HttpRequest, HttpResponse

from gpl_cohort.middleware import CSPMiddleware


def _headers(middleware_class, *, nonce: bool = False, path: str = "/home/", **attributes):
    middleware = middleware_class(lambda request: HttpResponse())
    request = HttpRequest()
    request.path_info = path
    middleware.process_request(request)
    if nonce:
        str(request.csp_nonce)
    response = HttpResponse()
    for name, value in attributes.items():
        setattr(response, name, value)
    middleware.process_response(request, response)
    return {k: v for k, v in response.items() if "Security" in k}


@pytest.mark.parametrize(
    "case",
    [
        {},
        {"nonce": True},
        {"_csp_exempt": True},
        {"_csp_update": {"img-src": ["https://maps.example.org"]}},
        {"path": "/admin/"},
    ],
)
def test_the_header_is_the_one_django_csp_builds(case):
    assert _headers(CSPMiddleware, **case) == _headers(csp.middleware.CSPMiddleware, **case)


def test_a_changed_setting_changes_the_header_at_once(settings):
    before = _headers(CSPMiddleware)["Content-Security-Policy"]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    assert _headers(CSPMiddleware) == {"Content-Security-Policy": "default-src 'none'"}
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"img-src": ["'self'"]}}
    report_only = _headers(CSPMiddleware)["Content-Security-Policy-Report-Only"]
    assert "img-src 'self'" in report_only  # (django-csp adds default-src)
    assert _headers(CSPMiddleware) == _headers(csp.middleware.CSPMiddleware)
    assert "default-src 'none'" not in before


def test_a_nonce_asked_for_after_the_header_was_written_is_refused():
    middleware = CSPMiddleware(lambda request: HttpResponse())
    request = HttpRequest()
    request.path_info = "/home/"
    middleware.process_request(request)
    middleware.process_response(request, HttpResponse())
    with pytest.raises(csp.exceptions.CSPNonceError):
        str(request.csp_nonce)
