"""Sign-in and password reset: Django's views, throttled (see elief/throttle.py)."""

from http import HTTPStatus

from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from elief import throttle


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs) -> HttpResponse:
        address = throttle.client_address(request)
        username = request.POST.get("username", "")
        form = self.get_form()
        if throttle.login_locked_until(address=address, username=username) is None:
            if form.is_valid():
                return self.form_valid(form)
            # This failure may have been the one that reached the limit.
            if throttle.login_locked_until(address=address, username=username) is None:
                return self.form_invalid(form)
        return self._refuse(address=address, username=username)

    def _refuse(self, *, address: str, username: str) -> HttpResponse:
        until = throttle.login_locked_until(address=address, username=username) or 0.0
        minutes = throttle.minutes_left(until)
        message = ngettext(
            "Too many failed sign-in attempts. Try again in %(minutes)d minute.",
            "Too many failed sign-in attempts. Try again in %(minutes)d minutes.",
            minutes,
        ) % {"minutes": minutes}
        # An unbound form: validating it would ask for the password check once more.
        form = self.form_class(request=self.request, initial={"username": username})
        response = self.render_to_response(self.get_context_data(form=form, refusal=message))
        response.status_code = HTTPStatus.TOO_MANY_REQUESTS
        response["Retry-After"] = str(minutes * 60)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    def form_valid(self, form) -> HttpResponse:
        allowed = throttle.password_reset_allowed(
            address=throttle.client_address(self.request), email=form.cleaned_data["email"]
        )
        if allowed:
            return super().form_valid(form)
        message = _("Too many requests for a new password. Try again later.")
        response = self.render_to_response(self.get_context_data(form=form, refusal=message))
        response.status_code = HTTPStatus.TOO_MANY_REQUESTS
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form) -> HttpResponse:
        response = super().form_valid(form)
        # Whoever holds the mailbox may sign in at once, even during a cool-down.
        throttle.login_success_reset(
            address=throttle.client_address(self.request), username=form.user.get_username()
        )
        return response
