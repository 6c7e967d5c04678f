"""How much one registration may hold."""

MAX_SITES = 10
MAX_CAMERAS_PER_SITE = 20
