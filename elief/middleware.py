import time
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from elief.models import Role


class LanguageMiddleware:
    """Dutch for everyone unless the user picked another language in the footer.

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: the
    tablets and PCs of the daycare often come with English settings, and the team
    works in Dutch.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


SESSION_STARTED = "elief_signed_in_at"
SESSION_SEEN = "elief_seen_at"
# Writing the session on every request costs a query; a minute's precision is enough.
SEEN_PRECISION_SECONDS = 60


@receiver(user_logged_in)
def _stamp_session(sender, request: HttpRequest, user, **kwargs) -> None:
    moment = time.time()
    request.session[SESSION_STARTED] = moment
    request.session[SESSION_SEEN] = moment


class SessionTimeoutMiddleware:
    """Sign out after a working day, and staff after a while without a request.

    The session cookie already ends with the browser, but the staff's tablet is shared
    and rarely closed: whoever picks it up should not act as the last person on it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            moment = time.time()
            session = request.session
            started = session.get(SESSION_STARTED)
            seen = session.get(SESSION_SEEN, started)
            # A session without its stamp predates them: treat it as ended.
            too_old = started is None or moment - started > settings.SESSION_COOKIE_AGE
            idle = user.role == Role.STAFF and (
                seen is None or moment - seen > settings.STAFF_IDLE_TIMEOUT_SECONDS
            )
            if too_old or idle:
                logout(request)
                messages.info(request, _("Your session has ended. Please sign in again."))
                if request.headers.get("HX-Request") == "true":
                    return self._reload_page(request)
                # LoginRequiredMiddleware now sends the anonymous request to the sign-in page.
            elif user.role == Role.STAFF and moment - seen > SEEN_PRECISION_SECONDS:
                session[SESSION_SEEN] = moment
        return self.get_response(request)

    @staticmethod
    def _reload_page(request: HttpRequest) -> HttpResponse:
        # A fragment would put the sign-in page inside the page: load it whole instead.
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        next_url = (current.path or "/") + (f"?{current.query}" if current.query else "")
        return HttpResponseClientRedirect(redirect_to_login(next_url)["Location"])


class PrivateCacheMiddleware:
    """Nothing shown to a signed-in user is kept by the browser or a proxy.

    Pages and exports hold children's and families' data; on a shared tablet the Back
    button must not bring them back after signing out.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
