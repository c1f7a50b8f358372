from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import second_factor_views, views
from accounts.forms import LoginForm

app_name = "accounts"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="password_change_done",
    ),
    # The second factor: the code after the password, enrolling an authenticator app, the user's own page
    path("second-factor/", second_factor_views.overview, name="second_factor"),
    path("second-factor/verify/", second_factor_views.verify, name="second_factor_verify"),
    path("second-factor/enrol/", second_factor_views.enrol, name="second_factor_enrol"),
    path(
        "second-factor/recovery-codes/",
        second_factor_views.recovery_codes_renew,
        name="second_factor_recovery_codes",
    ),
    # The administrators' register of logins (三员分立: accounts/rules.py)
    path("logins/", views.LoginListView.as_view(), name="login_list"),
    path("logins/new/", views.login_create, name="login_create"),
    path("logins/<int:pk>/disable/", views.login_disable, name="login_disable"),
    path("logins/<int:pk>/enable/", views.login_enable, name="login_enable"),
    path("logins/<int:pk>/password/", views.login_password_reset, name="login_password_reset"),
    path("logins/<int:pk>/second-factor/", views.login_second_factor_reset, name="login_second_factor_reset"),
    path("logins/<int:pk>/sessions/", views.login_sessions_end, name="login_sessions_end"),
    path("logins/<int:pk>/role/", views.login_role_change, name="login_role_change"),
    path("lockouts/", views.lockout_list, name="lockout_list"),
    path("lockouts/unlock/", views.lockout_unlock, name="lockout_unlock"),
]
