from django.urls import path

from reminders.views import notifications, outbox, preferences, robots

app_name = "reminders"

urlpatterns = [
    # Everyone's own bell.
    path("", notifications.notification_list, name="list"),
    path("bell/", notifications.bell, name="bell"),
    path("<int:pk>/open/", notifications.notification_open, name="open"),
    path("read/", notifications.mark_read, name="mark_read"),
    path("preferences/", preferences.email_preferences, name="preferences"),
    # The bureau's.
    path("outbox/", outbox.delivery_list, name="outbox"),
    path("outbox/<int:pk>/resend/", outbox.delivery_resend, name="resend"),
    path("robots/", robots.robot_list, name="robots"),
    path("robots/<int:team_id>/", robots.robot_edit, name="robot_edit"),
    path("robots/<int:team_id>/test/", robots.robot_test, name="robot_test"),
]
