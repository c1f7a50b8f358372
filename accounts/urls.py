from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views
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
    # The bureau's register of logins
    path("logins/", views.LoginListView.as_view(), name="login_list"),
    path("logins/new/", views.login_create, name="login_create"),
    path("logins/<int:pk>/disable/", views.login_disable, name="login_disable"),
    path("logins/<int:pk>/enable/", views.login_enable, name="login_enable"),
    path("logins/<int:pk>/password/", views.login_password_reset, name="login_password_reset"),
]
