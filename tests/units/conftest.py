# The archive's world (a serving team, experts, a Ningbo unit) for the unit page's timeline tests.
from tests.archives.conftest import viewers, world  # noqa: F401
