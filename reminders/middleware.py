"""Placeholder: being written (runs the finder in-process when no broker is configured)."""


class InProcessRemindersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)
