from camreg.web.access import public

URL_ACCESS = {
    # A link that works for nobody answers 410 with a page saying what to do.
    "confirmation:confirm": public(kwargs=lambda f: {"token": "not-a-real-token"}, ok=410),
}
