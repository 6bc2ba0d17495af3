"""`{% url %}` with its answers remembered, loaded into every template (TEMPLATES builtins).

Each page's navigation reverses a dozen URL names; Django's reverse() costs ~60 µs a call
(language and urlconf look-ups in context-locals, then the pattern substitution), a sixth of
what rendering the base template costs. A URL depends only on the name, the arguments, the
current app, the urlconf and the script prefix (Cohort has no i18n_patterns), so the answer is
kept per process for that key. Failures are not kept: they raise as Django's tag does.
`remembered_reverse()` is the same for Python code that reverses per row (admin list columns).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.template.defaulttags import URLNode, url
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()

_CACHE: dict[tuple[Any, ...], str] = {}
_CACHE_LIMIT = 10_000  # distinct (name, arguments) pairs; emptied when full


def _key(value: Any) -> tuple[str, str]:
    return (type(value).__name__, str(value))


def remembered_reverse(
    view_name: str,
    args: Any = (),
    kwargs: dict[str, Any] | None = None,
    current_app: str | None = None,
) -> str:
    """Django's reverse(), its answer kept per process (for Python code that reverses per row,
    such as admin list columns). Raises NoReverseMatch as reverse() does."""
    kwargs = kwargs or {}
    key = (
        view_name,
        tuple(_key(a) for a in args),
        tuple(sorted((k, _key(v)) for k, v in kwargs.items())),
        current_app,
        get_urlconf() or settings.ROOT_URLCONF,
        get_script_prefix(),
    )
    found = _CACHE.get(key)
    if found is None:
        found = reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
        if len(_CACHE) >= _CACHE_LIMIT:
            _CACHE.clear()
        _CACHE[key] = found
    return found


class CachedURLNode(URLNode):
    def render(self, context: template.Context) -> str:
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        try:
            found = remembered_reverse(view_name, args, kwargs, current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
            found = ""
        if self.asvar:
            context[self.asvar] = found
            return ""
        return conditional_escape(found) if context.autoescape else found


@register.tag(name="url")
def cached_url(parser: template.base.Parser, token: template.base.Token) -> CachedURLNode:
    node = url(parser, token)
    return CachedURLNode(node.view_name, node.args, node.kwargs, node.asvar)


class RememberedNode(template.Node):
    """`{% remember a b c %}…{% endremember %}`: the block's output is kept per process for
    the values of a, b, c. Only for blocks whose output depends on nothing else (the
    navigation: the person's roles, the current page's name and the URLs of the site)."""

    def __init__(self, nodelist: template.NodeList, parts: list[template.base.FilterExpression]):
        self.nodelist = nodelist
        self.parts = parts
        self.cache: dict[tuple[Any, ...], str] = {}

    def render(self, context: template.Context) -> str:
        # A permission named in the key is asked once, not again by the block on a miss.
        with context.push(perms=_PermsAskedOnce(context.get("perms"))):
            values = [part.resolve(context) for part in self.parts]
            key = (*values, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
            found = self.cache.get(key)
            if found is None:
                found = self.nodelist.render(context)
                if len(self.cache) >= _CACHE_LIMIT:
                    self.cache.clear()
                self.cache[key] = found
        return found


class _PermsAskedOnce:
    """`perms` in a template, remembering each answer for the rest of the block."""

    def __init__(self, perms: Any) -> None:
        self.perms = perms
        self.answers: dict[tuple[str, str], bool] = {}

    def __getitem__(self, app_label: str) -> Any:
        return _AppPermsAskedOnce(self, app_label)

    def __contains__(self, perm_name: str) -> bool:
        app_label, _, name = perm_name.partition(".")
        return self[app_label][name]

    def __bool__(self) -> bool:
        return bool(self.perms)


class _AppPermsAskedOnce:
    def __init__(self, owner: _PermsAskedOnce, app_label: str) -> None:
        self.owner = owner
        self.app_label = app_label

    def __getitem__(self, name: str) -> bool:
        key = (self.app_label, name)
        if key not in self.owner.answers:
            perms = self.owner.perms
            self.owner.answers[key] = bool(perms and perms[self.app_label][name])
        return self.owner.answers[key]

    def __contains__(self, name: str) -> bool:
        return self[name]

    def __bool__(self) -> bool:
        return bool(self.owner.perms and self.owner.perms[self.app_label])


@register.tag(name="remember")
def remember(parser: template.base.Parser, token: template.base.Token) -> RememberedNode:
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError("{% remember %} needs the values its output depends on")
    nodelist = parser.parse(("endremember",))
    parser.delete_first_token()
    return RememberedNode(nodelist, [parser.compile_filter(bit) for bit in bits])
